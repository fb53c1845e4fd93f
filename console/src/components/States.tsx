import type { ReactNode } from 'react'

export function Loading({ text = '加载中…' }: { text?: string }) {
  return <div className='state state--loading' role='status'>{text}</div>
}

export function Empty({ text, hint }: { text: string; hint?: string }) {
  return (
    <div className='state state--empty'>
      <div>{text}</div>
      {hint ? <div className='state__hint'>{hint}</div> : null}
    </div>
  )
}

export function ErrorBox({ error, onRetry }: { error: string; onRetry?: () => void }) {
  return (
    <div className='state state--error' role='alert'>
      <span>{error}</span>
      {onRetry ? <button type='button' className='btn btn--small' onClick={onRetry}>重试</button> : null}
    </div>
  )
}

/** One way for every page: loading, then error, empty or the content. */
export function Loaded<T>({ state, empty, children }: {
  state: { data: T | null; loading: boolean; error: string; reload: () => void }
  empty?: (data: T) => string | null
  children: (data: T) => ReactNode
}) {
  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />
  if (state.data === null) return <Loading />
  const emptyText = empty?.(state.data)
  return (
    <div className={state.loading ? 'loaded loaded--refreshing' : 'loaded'}>
      {emptyText ? <Empty text={emptyText} /> : children(state.data)}
    </div>
  )
}
