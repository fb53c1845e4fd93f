import { LegalDocument } from '../../components/LegalDocument'
import { USER_AGREEMENT } from '../../legal'

export default function UserAgreementPage() {
  return <LegalDocument id='user-agreement' sections={USER_AGREEMENT} />
}
