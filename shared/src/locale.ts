import { config } from 'zod'
import zhCN from 'zod/v4/locales/zh-CN.js'

// Zod's own messages in Chinese, for fields whose schema does not word its errors itself.
config(zhCN())
