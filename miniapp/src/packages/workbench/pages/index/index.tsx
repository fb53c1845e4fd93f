import { isStaffRole } from '@anju/shared'
import { EmptyState } from '../../../../components/EmptyState'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { PointsTools } from '../../components/PointsTools'
import { PatrolTools } from '../../components/PatrolTools'
import { CaseTools } from '../../components/CaseTools'
import { DeliveryTools } from '../../components/DeliveryTools'
import { TodoCard } from '../../components/TodoCard'

/** The staff workbench (sub-package): inbox, case actions, award approvals and pickup scanning go here. */
export default function WorkbenchPage() {
  const session = useRequireSession()
  if (!session) return <Screen>{null}</Screen>
  if (!isStaffRole(session.user.role)) {
    return (
      <Screen>
        <Section title='工作台'>
          <EmptyState text='仅工作人员可以使用工作台' />
        </Section>
      </Screen>
    )
  }
  return (
    <Screen>
      <TodoCard gridWorker={session.user.role === 'grid_worker'} />
      <CaseTools />
      <PointsTools role={session.user.role} />
      <PatrolTools role={session.user.role} />
      <DeliveryTools role={session.user.role} />
    </Screen>
  )
}
