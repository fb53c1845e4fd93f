import { z } from 'zod'
import zhCN from 'zod/v4/locales/zh-CN.js'

// Zod's own messages in Chinese, for fields whose schema does not word its errors itself. Every shared
// module takes `z` from here, so whoever imports a schema gets the Chinese messages too.
z.config(zhCN())

export { z }
