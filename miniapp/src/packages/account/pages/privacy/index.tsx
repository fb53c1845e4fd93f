import { LegalDocument } from '../../components/LegalDocument'
import { PRIVACY_POLICY } from '../../legal'

export default function PrivacyPolicyPage() {
  return <LegalDocument id='privacy-policy' sections={PRIVACY_POLICY} />
}
