export default definePageConfig({
  navigationBarTitleText: '安居',
})
