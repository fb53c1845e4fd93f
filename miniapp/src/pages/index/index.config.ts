export default definePageConfig({
  enablePullDownRefresh: true,
  navigationBarTitleText: '安居',
})
