export default definePageConfig({ navigationBarTitleText: '上架礼品', enablePullDownRefresh: true })
