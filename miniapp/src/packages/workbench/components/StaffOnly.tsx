import { EmptyState } from '../../../components/EmptyState'
import { Screen } from '../../../components/Screen'
import { Section } from '../../../components/Section'

/** What a points tool shows to someone signed in whose role may not use it (仅社区工作人员可以…). */
export function StaffOnly({ text }: { text: string }) {
  return (
    <Screen>
      <Section>
        <EmptyState text={text} />
      </Section>
    </Screen>
  )
}
