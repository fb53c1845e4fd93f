export default definePageConfig({ navigationBarTitleText: '上架礼品' })
