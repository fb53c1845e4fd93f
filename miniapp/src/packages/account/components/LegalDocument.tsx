import { Text } from '@tarojs/components'
import { Screen } from '../../../components/Screen'
import { Section } from '../../../components/Section'
import { LEGAL_UPDATED, type LegalSection } from '../legal'
import '../account.scss'

/** A legal text as cards, one per section; readable before signing in (the login page links here). */
export function LegalDocument({ id, sections }: { id: string; sections: LegalSection[] }) {
  return (
    <Screen className='legal'>
      <Text className='legal__updated' id={id}>{LEGAL_UPDATED}</Text>
      {sections.map((section) => (
        <Section key={section.title} title={section.title}>
          {section.paragraphs.map((p) => (
            <Text key={p} className='legal__para'>{p}</Text>
          ))}
        </Section>
      ))}
    </Screen>
  )
}
