import http from 'node:http'
import { loadConfig, type Config } from '../../server/src/config'
import type { TestDatabase } from '../../server/src/testing/databases'
import { setLedgerChainKey } from '../../server/src/ledger'

export const FAULT_JWT_SECRET = 'fault-tests-jwt-secret-0123456789abcdef'
export const FAULT_PATROL_SECRET = 'fault-tests-patrol-secret-0123456789abcdef'
export const FAULT_LEDGER_KEY = 'fault-tests-ledger-chain-key-0123456789abcdef'

/** The environment a spawned main.ts needs to share `database` (and its tokens) with the test. */
export function processEnv(database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  const url = database.config.client === 'sqlite' ? `sqlite:${database.config.filename}` : database.config.url
  return {
    DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', LOG_LEVEL: 'info',
    JWT_SECRET: FAULT_JWT_SECRET, PATROL_TOKEN_SECRET: FAULT_PATROL_SECRET, LEDGER_CHAIN_KEY: FAULT_LEDGER_KEY, ...extra,
  }
}

/**
 * A config for factories that issue tokens the spawned process accepts. This process takes the spawned one's
 * ledger key too, so the ledger rows either writes verify here.
 */
export function faultConfig(database: TestDatabase): Config {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: FAULT_JWT_SECRET, PATROL_TOKEN_SECRET: FAULT_PATROL_SECRET, LEDGER_CHAIN_KEY: FAULT_LEDGER_KEY, LOG_LEVEL: 'silent' })
  setLedgerChainKey(config.ledger.chainKey)
  config.database = database.config
  return config
}

export type Outcome = { status: number; body: any } | { error: string }

/**
 * One request on a connection of its own (no pooling), so what happens to it is what happened to that request:
 * an answer, or the socket error that ended it.
 */
export function requestOnce(
  baseUrl: string, method: string, path: string,
  { token, body, idempotencyKey }: { token?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string> = {}
    if (token) headers.Authorization = `Bearer ${token}`
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey
    if (payload) {
      headers['Content-Type'] = 'application/json'
      headers['Content-Length'] = String(Buffer.byteLength(payload))
    }
    const req = http.request(`${baseUrl}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed: unknown = text
        try {
          parsed = text ? JSON.parse(text) : undefined
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed })
      })
      res.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }))
    })
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }))
    req.end(payload)
  })
}
