import { Button, Text } from '@tarojs/components'
import { Section } from '../Section'

interface Props {
  /** What went wrong, in Chinese (the server's message or the client's). */
  message: string
  onRetry: () => void
}

/** A load that failed: the reason and a 重新加载 button. */
export function LoadError({ message, onRetry }: Props) {
  return (
    <Section>
      <Text className='form-error'>{message}</Text>
      <Button className='btn btn--plain' onClick={onRetry}>
        重新加载
      </Button>
    </Section>
  )
}
