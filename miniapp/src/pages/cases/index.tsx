import { MyCaseList } from '../../components/MyCaseList'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
import { useRequireSession } from '../../hooks/session'

export default function CasesPage() {
  const session = useRequireSession()
  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      <Section title='我的诉求'>
        <MyCaseList />
      </Section>
    </Screen>
  )
}
