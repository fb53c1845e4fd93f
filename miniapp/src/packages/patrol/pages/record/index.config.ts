export default definePageConfig({
  navigationBarTitleText: '巡逻详情',
})
