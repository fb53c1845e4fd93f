export default definePageConfig({
  navigationBarTitleText: '投递失败的消息',
  enablePullDownRefresh: true,
})
