import { EmptyState } from '../../components/EmptyState'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
import { useRequireSession } from '../../hooks/session'

export default function CasesPage() {
  const session = useRequireSession()
  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      <Section title='我的诉求'>
        <EmptyState text='还没有提交过诉求' hint='在首页点「我要投诉」或「我要举报」提交' />
      </Section>
    </Screen>
  )
}
