import { Text } from '@tarojs/components'
import { REDEMPTION_STATUS_LABELS, type RedemptionStatus } from '@anju/shared'
import './index.scss'

/** A redemption's 待领取 / 已领取 / 已取消 / 已过期, coloured by status (the resident's mall and staff pickup). */
export function StatusChip({ status, id }: { status: RedemptionStatus; id?: string }) {
  return <Text id={id} className={`status-chip status-chip--${status}`}>{REDEMPTION_STATUS_LABELS[status]}</Text>
}
