export default definePageConfig({
  navigationBarTitleText: '积分攻略',
  enablePullDownRefresh: true,
})
