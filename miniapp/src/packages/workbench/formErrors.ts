import { FieldIssue } from '@anju/shared'
import { errorMessage, isApiError } from '../../api'

/** The server's words for the field it refused (库存不能少于已兑出的数量), else its message. */
export function submitErrorMessage(err: unknown): string {
  if (isApiError(err)) {
    const fields = (err.details as { fields?: unknown } | null | undefined)?.fields
    const first = Array.isArray(fields) ? FieldIssue.safeParse(fields[0]) : null
    if (first?.success) return first.data.message
  }
  return errorMessage(err)
}
