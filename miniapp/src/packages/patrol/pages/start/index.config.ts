export default definePageConfig({
  navigationBarTitleText: '开始巡逻',
})
