import { useState } from 'react'
import { api, OUTBOX_DESTINATION_LABELS, REGION_LEVEL_LABELS } from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../api'
import { time } from '../../components/CaseDrawer'
import { DataTable } from '../../components/DataTable'
import { Loaded } from '../../components/States'
import { ScopeBar } from '../../components/ScopeBar'
import { useLoad, useRegions } from '../../hooks'

/** A signing secret for a new platform: 32 hex characters from the browser's random source. */
function newSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

const NO_PLATFORM = { regionId: '', name: '', url: '', secret: '' }

/** 网格平台与死信, Open311 密钥: what the city connects to, what failed to arrive, and who may file through Open311. */
export function IntegrationsPage() {
  const state = useLoad(async () => {
    const [platforms, dead, keys] = await Promise.all([call(api.adminGridPlatforms), call(api.deadLetters), call(api.open311Keys)])
    return { platforms: platforms.items, dead: dead.items, keys: keys.items }
  }, [])
  const [notice, setNotice] = useState('')
  const [error, setError] = useState('')
  const [keyName, setKeyName] = useState('')
  const [issueKey, setIssueKey] = useState(newIdempotencyKey)
  const regions = useRegions()
  const [platform, setPlatform] = useState<typeof NO_PLATFORM | null>(null)
  const [platformKey, setPlatformKey] = useState(newIdempotencyKey)
  const editPlatform = (patch: Partial<typeof NO_PLATFORM>) => {
    setPlatform({ ...platform!, ...patch })
    setPlatformKey(newIdempotencyKey())
    setError('')
  }
  const act = async (work: () => Promise<string>) => {
    setError('')
    try {
      setNotice(await work())
      await state.reload()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <div className='page'>
      <ScopeBar title='网格平台、死信与 Open311' period={false} />
      {notice ? <div className='notice' id='integrations-notice'>{notice}</div> : null}
      {error ? <div className='state state--error' role='alert'>{error}</div> : null}
      {platform ? null : (
        <div className='actions'>
          <button type='button' className='btn btn--primary' id='platform-new'
            onClick={() => { setPlatform({ ...NO_PLATFORM, secret: newSecret() }); setPlatformKey(newIdempotencyKey()); setNotice(''); setError('') }}>接入网格平台</button>
        </div>
      )}
      {platform ? (
        <form className='form-grid' id='platform-form' onSubmit={(e) => {
          e.preventDefault()
          void act(async () => {
            const created = await call(api.createGridPlatform, {
              body: { regionId: Number(platform.regionId), name: platform.name, url: platform.url.trim(), secret: platform.secret },
              idempotencyKey: platformKey,
            })
            const { secret } = platform
            setPlatform(null)
            return `已接入「${created.name}」，此后该区域的案件事件将转发到 ${created.url}。请把签名密钥告知对方平台（只显示这一次）：${secret}`
          })
        }}>
          <label>区域
            <select name='regionId' value={platform.regionId} onChange={(e) => editPlatform({ regionId: e.target.value })} required>
              <option value=''>请选择</option>
              {regions.filter((r) => r.level !== 'grid').map((r) => <option key={r.id} value={r.id}>{r.name}（{REGION_LEVEL_LABELS[r.level]}）</option>)}
            </select>
          </label>
          <label>平台名称<input name='name' value={platform.name} placeholder='如 雨湖区网格化服务管理平台' onChange={(e) => editPlatform({ name: e.target.value })} /></label>
          <label>接收地址<input name='url' value={platform.url} placeholder='https://…' onChange={(e) => editPlatform({ url: e.target.value })} /></label>
          <label>签名密钥<input name='secret' value={platform.secret} onChange={(e) => editPlatform({ secret: e.target.value })} /></label>
          <p className='muted'>每条转发都用签名密钥做 HMAC-SHA256 签名，对方平台以此验证来源；回调也须用它签名。</p>
          <div className='actions'>
            <button type='submit' className='btn btn--primary'>保存</button>
            <button type='button' className='btn btn--ghost' onClick={() => setPlatform(null)}>取消</button>
          </div>
        </form>
      ) : null}
      <Loaded state={state}>
        {(d) => (
          <>
            <DataTable id='platforms' title='外部网格平台' rows={d.platforms} rowKey={(p) => p.id} exportName='外部网格平台'
              columns={[
                { key: 'name', title: '平台', value: (p) => p.name },
                { key: 'region', title: '区域', value: (p) => p.regionName },
                { key: 'url', title: '地址', value: (p) => p.url },
                { key: 'active', title: '状态', value: (p) => (p.active ? '启用' : '停用') },
                { key: 'pending', title: '待投递', align: 'right', value: (p) => p.pending },
                { key: 'dead', title: '死信', align: 'right', value: (p) => p.deadLetters },
              ]} />
            <DataTable id='dead-letters' title={`死信 ${d.dead.length} 条`} rows={d.dead} rowKey={(m) => m.id} exportName='死信'
              columns={[
                { key: 'id', title: '编号', value: (m) => m.id },
                { key: 'platform', title: '平台', value: (m) => (m.platformId === null ? OUTBOX_DESTINATION_LABELS[m.destination] : (d.platforms.find((p) => p.id === m.platformId)?.name ?? String(m.platformId))) },
                { key: 'case', title: '案件', value: (m) => m.caseNumber ?? '' },
                { key: 'attempts', title: '尝试次数', align: 'right', value: (m) => m.attempts },
                { key: 'error', title: '最后错误', value: (m) => m.lastError ?? '' },
                { key: 'created', title: '产生时间', value: (m) => time(m.createdAt) },
                { key: 'replay', title: '操作', noExport: true, value: () => '', render: (m) => (
                  <button type='button' className='btn btn--small' data-replay={m.id}
                    onClick={() => void act(async () => { await call(api.replayDeadLetter, { params: { id: m.id } }); return `已重新投递死信 ${m.id}` })}>重新投递</button>
                ) },
              ]} />
            <div className='table-card'>
              <div className='table-card__head'><h3>Open311 api_key</h3></div>
              <form className='filters' onSubmit={(e) => {
                e.preventDefault()
                void act(async () => {
                  const issued = await call(api.issueOpen311Key, { body: { name: keyName }, idempotencyKey: issueKey })
                  setKeyName('')
                  setIssueKey(newIdempotencyKey())
                  return `已签发「${issued.name}」的 api_key（只显示这一次，请妥善保存）：${issued.apiKey}`
                })
              }}>
                <input aria-label='接入方名称' placeholder='接入方名称，例如 12345 热线' value={keyName} onChange={(e) => { setKeyName(e.target.value); setIssueKey(newIdempotencyKey()) }} required />
                <button type='submit' className='btn btn--primary btn--small'>签发</button>
              </form>
              <table className='data-table' id='open311-keys'>
                <thead><tr><th>接入方</th><th>签发时间</th><th>状态</th><th /></tr></thead>
                <tbody>
                  {d.keys.map((k) => (
                    <tr key={k.id}>
                      <td>{k.name}</td><td>{time(k.createdAt)}</td><td>{k.revokedAt ? `已吊销（${time(k.revokedAt)}）` : '有效'}</td>
                      <td>{k.revokedAt ? null : (
                        <button type='button' className='btn btn--small btn--danger'
                          onClick={() => void act(async () => { await call(api.revokeOpen311Key, { params: { id: k.id } }); return `已吊销「${k.name}」` })}>吊销</button>
                      )}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Loaded>
    </div>
  )
}
