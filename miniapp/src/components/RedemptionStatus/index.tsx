import { Text } from '@tarojs/components'
import { REDEMPTION_STATUS_LABELS, type RedemptionStatus } from '@anju/shared'
import './StatusChip.scss'

/** 待领取 / 已领取 / 已取消 / 已过期, coloured by status. */
export function StatusChip({ status }: { status: RedemptionStatus }) {
  return <Text className={`status-chip status-chip--${status}`}>{REDEMPTION_STATUS_LABELS[status]}</Text>
}
