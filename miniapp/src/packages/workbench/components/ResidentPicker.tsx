import { useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { ResidentSearchQuery, api, type ResidentSummary } from '@anju/shared'
import { call, errorMessage, isApiError } from '../../../api'
import { EmptyState } from '../../../components/EmptyState'
import './workbench.scss'
import './residentPicker.scss'

const PAGE_SIZE = 20
/** Typing pauses this long before the search runs by itself. */
const SEARCH_DELAY_MS = 400

type Results =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; items: ResidentSummary[]; more: boolean }
  | { status: 'error'; message: string }

interface Props {
  selected: ResidentSummary | null
  onSelect: (resident: ResidentSummary | null) => void
  /** A resident's 编号 handed to the page (?userId=): read once, and chosen when it is in the staff member's area. */
  initialId?: number | null
}

/** Why the search box's text is not worth asking the server about yet (in Chinese), or null when it is. */
function searchTermProblem(text: string): string | null {
  const parsed = ResidentSearchQuery.safeParse({ q: text })
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? '请输入居民编号或姓名')
}

/**
 * 选择居民: staff find a resident of their area by 编号 or name and tap one; the chosen resident is then shown
 * with 姓名, 社区 and 编号 so the award cannot go to someone else by a typo.
 */
export function ResidentPicker({ selected, onSelect, initialId }: Props) {
  const [text, setText] = useState('')
  const [results, setResults] = useState<Results>({ status: 'idle' })
  const [linked, setLinked] = useState<{ status: 'loading' } | { status: 'error'; message: string } | null>(
    initialId ? { status: 'loading' } : null,
  )
  // Only the latest search lands: a slow answer to an earlier one never replaces a newer one.
  const generation = useRef(0)
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null)

  useEffect(() => {
    if (!initialId) return
    let current = true
    call(api.staffResident, { params: { id: initialId } }).then(
      (resident) => {
        if (!current) return
        setLinked(null)
        onSelect(resident)
      },
      (err: unknown) => {
        if (!current) return
        const message =
          isApiError(err) && err.code === 'NOT_FOUND'
            ? `没有找到编号为 ${initialId} 的居民（或不在您的辖区内），请重新查找`
            : errorMessage(err)
        setLinked({ status: 'error', message })
      },
    )
    return () => {
      current = false
    }
  }, [])

  async function search(term: string) {
    if (typingTimer.current) clearTimeout(typingTimer.current)
    const mine = ++generation.current
    const problem = searchTermProblem(term)
    if (problem) {
      setResults({ status: 'error', message: problem })
      return
    }
    setResults({ status: 'loading' })
    try {
      const page = await call(api.staffResidents, { query: { q: term, limit: PAGE_SIZE } })
      if (mine === generation.current) setResults({ status: 'done', items: page.items, more: page.more })
    } catch (err) {
      if (mine === generation.current) setResults({ status: 'error', message: errorMessage(err) })
    }
  }

  useEffect(() => {
    if (selected) return
    if (searchTermProblem(text)) {
      generation.current++
      setResults({ status: 'idle' })
      return
    }
    const timer = setTimeout(() => void search(text), SEARCH_DELAY_MS)
    typingTimer.current = timer
    return () => clearTimeout(timer)
  }, [text, selected])

  if (selected) {
    return (
      <View className='resident-picked' id='manual-resident'>
        <View className='wb-kv'>
          <Text className='wb-kv__key'>姓名</Text>
          <Text className='wb-kv__value resident-picked__name' id='manual-resident-name'>{selected.displayName}</Text>
        </View>
        <View className='wb-kv'>
          <Text className='wb-kv__key'>社区</Text>
          <Text className='wb-kv__value' id='manual-resident-community'>{selected.community.name}</Text>
        </View>
        <View className='wb-kv'>
          <Text className='wb-kv__key'>编号</Text>
          <Text className='wb-kv__value' id='manual-resident-id'>{selected.id}</Text>
        </View>
        <Button id='manual-resident-change' className='btn btn--plain resident-picked__change' onClick={() => onSelect(null)}>
          重新选择
        </Button>
      </View>
    )
  }

  if (linked?.status === 'loading') {
    return <Text className='muted wb-state'>{`正在读取编号 ${initialId} 的居民…`}</Text>
  }

  const hint = text.trim() && results.status === 'idle' ? searchTermProblem(text) : null

  return (
    <View className='resident-picker'>
      {linked?.status === 'error' ? <Text className='form-error'>{linked.message}</Text> : null}
      <View className='resident-picker__bar'>
        <Input
          id='manual-resident-search'
          className='field__input resident-picker__input'
          value={text}
          placeholder='输入居民编号或姓名'
          maxlength={32}
          confirmType='search'
          onInput={(e) => setText(e.detail.value)}
          onConfirm={() => void search(text)}
        />
        <Button
          id='manual-resident-find'
          className='btn btn--plain resident-picker__find'
          loading={results.status === 'loading' || undefined}
          disabled={results.status === 'loading' || undefined}
          onClick={() => void search(text)}
        >
          查找
        </Button>
      </View>
      {hint ? <Text className='muted resident-picker__hint'>{hint}</Text> : null}
      {!text.trim() && results.status === 'idle' ? (
        <Text className='muted resident-picker__hint'>可按居民编号或姓名（至少 2 个字）查找本辖区的居民</Text>
      ) : null}

      {results.status === 'loading' ? <Text className='muted wb-state'>正在查找…</Text> : null}
      {results.status === 'error' ? (
        <View className='resident-picker__error'>
          <Text className='form-error'>{results.message}</Text>
          {searchTermProblem(text) ? null : (
            <Button className='btn btn--plain' onClick={() => void search(text)}>
              重试
            </Button>
          )}
        </View>
      ) : null}
      {results.status === 'done' && results.items.length === 0 ? (
        <EmptyState text='没有找到符合条件的居民' hint='只能查找本辖区内、已选择所在社区的居民' />
      ) : null}
      {results.status === 'done' && results.items.length > 0 ? (
        <View className='resident-picker__list'>
          {results.items.map((resident) => (
            <View
              key={resident.id}
              className='resident-option'
              hoverClass='resident-option--pressed'
              onClick={() => onSelect(resident)}
            >
              <View className='resident-option__body'>
                <Text className='resident-option__name'>{resident.displayName}</Text>
                <Text className='resident-option__meta'>{`${resident.community.name} · 编号 ${resident.id}`}</Text>
              </View>
              <Text className='resident-option__pick'>选择</Text>
            </View>
          ))}
          {results.more ? (
            <Text className='muted resident-picker__hint'>{`只列出前 ${PAGE_SIZE} 位，请输入更完整的姓名或编号`}</Text>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}
