import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Switch, Text, View } from '@tarojs/components'
import { api } from '@anju/shared'
import { call } from '../../../api'
import { Section } from '../../../components/Section'
import { useIdempotentSend } from '../../../hooks/send'
import {
  SETTINGS_FIELDS, checkedSettings, isInherited, settingsDraftOf, type AwardPolicy, type LimitDraft, type SettingsDraft, type SettingsField,
} from '../awardPolicy'
import { submitErrorMessage } from '../formErrors'
import './awardPolicy.scss'

/**
 * What saving does to the settings in force: the region gets its own settings row, which then governs it and
 * every region below it that has none of its own, in place of the ancestor's.
 */
function saveHint(policy: AwardPolicy): string | null {
  const { settings, region } = policy
  if (!settings) return '保存后本区域及未单独设置的下级区域按此执行'
  if (isInherited(settings.fromRegion, region)) return `保存后将为本区域单独设置，本区域及下级区域不再沿用「${settings.fromRegion.name}」的设置`
  return null
}

/** 修改预算与上限 (administrators): the chosen region's budget, caps and validity, each number or 不限. */
export function AwardSettingsEditor({ policy, onSaved }: { policy: AwardPolicy; onSaved: (policy: AwardPolicy) => void }) {
  const [draft, setDraft] = useState<SettingsDraft>(() => settingsDraftOf(policy.settings))
  const [error, setError] = useState('')
  // One key per filled-in form: a retry after a lost connection saves once; any edit makes it a new save.
  const { busy, send, forget } = useIdempotentSend()
  const hint = saveHint(policy)

  function change(field: SettingsField, value: Partial<LimitDraft>) {
    setDraft((prev) => ({ ...prev, [field]: { ...prev[field], ...value } }))
    forget()
    setError('')
  }

  async function save() {
    if (busy) return
    const result = checkedSettings(policy.region.id, draft)
    if ('error' in result) {
      setError(result.error)
      return
    }
    setError('')
    try {
      const saved = await send((idempotencyKey) => call(api.setAwardSettings, { body: result.body, idempotencyKey }))
      setDraft(settingsDraftOf(saved.settings))
      Taro.showToast({ title: '已保存', icon: 'success' })
      onSaved(saved)
    } catch (err) {
      setError(submitErrorMessage(err))
    }
  }

  return (
    <Section title='修改预算与上限' className='policy-editor'>
      {SETTINGS_FIELDS.map(({ field, label, unit, off, hint: placeholder }) => (
        <View key={field} className='field'>
          <View className='policy-editor__head'>
            <Text className='field__label policy-editor__label'>{`${label}（${unit}）`}</Text>
            <View className='policy-editor__switch'>
              <Text className='muted policy-editor__off'>{off}</Text>
              <Switch
                id={`policy-off-${field}`}
                checked={draft[field].off}
                color='#1677ff'
                onChange={(e) => change(field, { off: e.detail.value })}
              />
            </View>
          </View>
          {draft[field].off ? null : (
            <Input
              id={`policy-${field}`}
              className='field__input'
              type='number'
              value={draft[field].text}
              placeholder={placeholder}
              maxlength={field === 'pointsValidMonths' ? 3 : 9}
              onInput={(e) => change(field, { text: e.detail.value })}
            />
          )}
        </View>
      ))}
      {error ? <Text className='form-error' id='policy-settings-error'>{error}</Text> : null}
      <Button
        id='policy-settings-save'
        className='btn btn--primary'
        loading={busy || undefined}
        disabled={busy || undefined}
        onClick={() => void save()}
      >
        保存预算与上限
      </Button>
      {hint ? <Text className='muted policy-editor__hint' id='policy-settings-hint'>{hint}</Text> : null}
    </Section>
  )
}
