export default definePageConfig({
  navigationBarTitleText: '巡逻管理',
})
