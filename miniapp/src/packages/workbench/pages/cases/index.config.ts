export default definePageConfig({
  navigationBarTitleText: '案件收件箱',
  enablePullDownRefresh: true,
})
