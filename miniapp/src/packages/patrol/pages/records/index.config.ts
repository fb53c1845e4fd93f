export default definePageConfig({
  navigationBarTitleText: '巡逻记录',
})
