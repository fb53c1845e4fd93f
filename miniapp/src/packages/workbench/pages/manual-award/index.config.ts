export default definePageConfig({ navigationBarTitleText: '好人好事奖励' })
