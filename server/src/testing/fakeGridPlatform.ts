import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SIGNATURE_HEADER, verifySignature } from '../integrations/gridPlatform'
import type { TestServer } from './server'

export type FakeAnswer = 'ok' | 'fail' | 'timeout' | 'reject'

export interface FakeGridPlatform {
  url: string
  secret: string
  /** How the next requests are answered, one entry each; 'ok' once it runs out. */
  script: FakeAnswer[]
  /** While true, every request is answered 503 (the platform is down). */
  down: boolean
  /** Answer one request in this many with 503, counting from the first (0: never). */
  failEvery: number
  /** How long a 'timeout' answer takes (it still processes the message, then answers late). */
  slowMs: number
  /** Every request as it arrived. */
  received: { idempotencyKey: string; signatureOk: boolean; body: any; status: number }[]
  /** Messages acted on, once per idempotency key, in order: what a well-behaved platform keeps. */
  processed: string[]
  close(): Promise<void>
}

/**
 * A local stand-in for an external grid platform: checks our signature, dedupes by Idempotency-Key,
 * and fails, answers late or refuses on cue.
 */
export async function startFakeGridPlatform(secret = 'fake-platform-secret-0123456789'): Promise<FakeGridPlatform> {
  const fake: FakeGridPlatform = {
    url: '', secret, script: [], down: false, failEvery: 0, slowMs: 1000, received: [], processed: [],
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.()
      server.close(() => resolve())
    }),
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const idempotencyKey = String(req.headers['idempotency-key'] ?? '')
      const signatureOk = verifySignature(secret, raw, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined)
      let body: unknown = null
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        // recorded as null
      }
      const receipt = { idempotencyKey, signatureOk, body, status: 0 }
      fake.received.push(receipt)
      const scripted = fake.script.shift() ?? 'ok'
      const answer = fake.down || (fake.failEvery > 0 && fake.received.length % fake.failEvery === 0) ? 'fail' : scripted
      const process = () => {
        if (signatureOk && !fake.processed.includes(idempotencyKey)) fake.processed.push(idempotencyKey)
      }
      if (!signatureOk) {
        receipt.status = 401
        res.writeHead(401).end()
      } else if (answer === 'fail') {
        receipt.status = 503
        res.writeHead(503).end('busy')
      } else if (answer === 'reject') {
        receipt.status = 400
        res.writeHead(400).end('bad message')
      } else if (answer === 'timeout') {
        process()
        receipt.status = 200
        setTimeout(() => res.writeHead(200).end('{"ok":true}'), fake.slowMs)
      } else {
        process()
        receipt.status = 200
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anju/events`
  return fake
}

/**
 * Connects `platform` to a demo community through the admin API, as an administrator would (the console's
 * 接入网格平台); throws unless the server answers 201. Answers the platform's id.
 */
export async function connectGridPlatform(
  server: TestServer,
  platform: FakeGridPlatform,
  { community = 'XT-YT-JSL-XFL', name = '岳塘区网格化平台' }: { community?: string; name?: string } = {},
): Promise<number> {
  const res = await server.http.post('/api/admin/grid-platforms', {
    regionId: await server.make.regionId(community), name, url: platform.url, secret: platform.secret,
  }, { token: await server.http.staffToken('admin') })
  if (res.status !== 201) throw new Error(`connecting the grid platform: ${res.status} ${JSON.stringify(res.body)}`)
  return Number(res.body.id)
}
