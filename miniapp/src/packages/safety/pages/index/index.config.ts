export default definePageConfig({
  navigationBarTitleText: '平安指数',
  enablePullDownRefresh: true,
})
