export default definePageConfig({
  navigationBarTitleText: '礼品管理',
  enablePullDownRefresh: true,
})
