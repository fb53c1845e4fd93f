import { z } from 'zod'
import zhCN from 'zod/v4/locales/zh-CN.js'

/** Zod's own messages in Chinese, for the fields a schema does not word itself. */
export function useChineseMessages(): void {
  z.config(zhCN())
}

useChineseMessages()
