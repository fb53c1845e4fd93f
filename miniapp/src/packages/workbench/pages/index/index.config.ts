export default definePageConfig({
  enablePullDownRefresh: true,
  navigationBarTitleText: '工作台',
})
