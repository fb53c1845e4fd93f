import { useState } from 'react'
import { Button, Textarea, View } from '@tarojs/components'
import './workbench.scss'
import './rejectReason.scss'

interface Props {
  /** True while the rejection is being sent: the confirm button spins and is disabled. */
  busy: boolean
  onCancel: () => void
  /** Called with the trimmed reason (at least two characters, as the server requires). */
  onConfirm: (reason: string) => void
}

/**
 * 驳回 with a reason the resident will see: a text box, 取消 and 确认驳回. Opened in place of a row's
 * 驳回/通过 buttons by the page that owns the row.
 */
export function RejectReasonForm({ busy, onCancel, onConfirm }: Props) {
  const [reason, setReason] = useState('')
  return (
    <View className='reject-form'>
      <Textarea
        className='textarea-box wb-textarea reject-form__textarea'
        value={reason}
        placeholder='请填写驳回原因（至少 2 个字），居民会看到'
        maxlength={200}
        onInput={(e) => setReason(e.detail.value)}
      />
      <View className='wb-actions'>
        <Button className='btn btn--plain wb-action reject-form__cancel' onClick={onCancel}>
          取消
        </Button>
        <Button
          className='btn btn--primary wb-action reject-form__confirm'
          loading={busy || undefined}
          disabled={reason.trim().length < 2 || busy || undefined}
          onClick={() => onConfirm(reason.trim())}
        >
          确认驳回
        </Button>
      </View>
    </View>
  )
}
