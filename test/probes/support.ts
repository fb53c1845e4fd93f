import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { ErrorBody, api, z, type Endpoint } from '@anju/shared'
import type { Db } from '../../server/src/db/knex'
import { fileReport } from '../../server/src/testing/cases'
import type { TestServer } from '../../server/src/testing/server'

/** The nine callers every endpoint is tried with. */
export const ROLES = ['anonymous', 'resident', 'otherResident', 'volunteer', 'gridWorker', 'staff', 'otherStaff', 'centre', 'admin'] as const
export type ProbeRole = (typeof ROLES)[number]

/** Every endpoint in the shared list, by name: new endpoints are probed without anyone listing them. */
export const endpoints = Object.entries(api) as [string, Endpoint][]

/** Tables whose writes are not the request's effect: the abuse counters (a refused attempt still counts). */
const NOT_STATE = new Set(['rate_limits', 'probe_writes', 'knex_migrations', 'knex_migrations_lock', 'sqlite_sequence'])

/**
 * Counts every row written to the SQLite test database, abuse counters aside, with a trigger per table and
 * statement kind: equal before and after a request means the request changed nothing.
 */
export async function installWriteCounter(db: Db): Promise<void> {
  await db.raw('CREATE TABLE probe_writes (n INTEGER NOT NULL)')
  await db.raw('INSERT INTO probe_writes (n) VALUES (0)')
  const tables = (await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'")) as { name: string }[]
  for (const { name } of tables.filter((t) => !NOT_STATE.has(t.name))) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      await db.raw(`CREATE TRIGGER probe_${name}_${event.toLowerCase()} AFTER ${event} ON "${name}" BEGIN UPDATE probe_writes SET n = n + 1; END`)
    }
  }
}

export async function writeCount(db: Db): Promise<number> {
  return Number((await db('probe_writes').first('n'))!.n)
}

/**
 * Refusals that write by design: a wrong password counts towards the login throttle and the lock, and a spent
 * refresh token presented again ends its session.
 */
export const WRITES_ON_REFUSAL = new Set(['LOGIN_FAILED', 'LOGIN_THROTTLED', 'ACCOUNT_LOCKED', 'PASSWORD_INCORRECT', 'TOKEN_INVALID'])

/** Checks an error answer's shape: our envelope, a known code, a message in Chinese. */
export function expectEnvelope(body: unknown): string | null {
  const parsed = ErrorBody.safeParse(body)
  if (!parsed.success) return `not the error envelope: ${JSON.stringify(body)?.slice(0, 200)}`
  if (!/[\u4e00-\u9fa5]/.test(parsed.data.error.message)) return `message not in Chinese: ${parsed.data.error.message}`
  return null
}

export interface ProbeWorld {
  tokens: Record<ProbeRole, string | undefined>
  /** Path parameters naming resources of 幸福里社区 (the subject resident's and their community's). */
  params: Record<string, string | number>
  /** Params that name something every caller may see (region names, categories, grids). */
  publicSegments: Set<string>
  /** Params that name something any resident may see or join, whatever their community (patrol teams). */
  openToResidents: Set<string>
}

/**
 * Resources in 幸福里社区 for the probes to aim at: the demo resident's case, redemption and pending award, the
 * community's reward, patrol team, route and checkpoint, a staff account. Callers from 和平社区 are out of scope.
 */
export async function buildWorld(s: TestServer): Promise<ProbeWorld> {
  const db = s.database.db
  const dev = async (handle: string) => (await s.http.post('/api/auth/dev', { handle })).body.accessToken as string
  const resident = await dev('demo')
  const otherResident = await dev(`probe-${randomUUID().slice(0, 6)}`)
  const hp = await s.make.regionId('XT-YT-JSL-HP')
  await s.http.post('/api/me/community', { regionId: hp }, { token: otherResident })
  const tokens: Record<ProbeRole, string | undefined> = {
    anonymous: undefined, resident, otherResident, volunteer: await dev('volunteer'),
    gridWorker: await s.http.staffToken('grid'), staff: await s.http.staffToken('staff'), otherStaff: await s.http.staffToken('staff2'),
    centre: await s.http.staffToken('centre'), admin: await s.http.staffToken('admin'),
  }
  const demoId = Number((await s.http.get('/api/me', { token: resident })).body.id)
  const filed = await fileReport(s, resident)
  const rewardId = await s.make.reward({ cost: 1, stock: 50, limit: 50 })
  const redemption = (await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: resident })).body
  const award = (await s.http.post('/api/staff/awards/manual', { userId: demoId, points: 5, reason: '探测用的好人好事' }, { token: tokens.staff })).body
  const account = await s.make.account()
  // Staff accept the demo resident's report: the resident has a notice in the inbox.
  await s.http.post(`/api/cases/${filed.body.case.id}/actions`, { action: 'accept' }, { token: tokens.staff, idempotencyKey: `probe-${randomUUID()}` })
  const open311Key = (await s.http.post('/api/admin/open311-keys', { name: '探测用接入方' }, { token: tokens.admin })).body.id as number
  const first = async (table: string, where: Record<string, unknown> = {}) => (await db(table).where(where).orderBy('id').first())?.id
  const xfl = await s.make.regionId('XT-YT-JSL-XFL')
  const team = await first('patrol_teams', { region_id: xfl })
  const route = await first('patrol_routes', { team_id: team })
  return {
    tokens,
    params: {
      'staff-accounts': account.id, 'open311-keys': open311Key,
      notifications: (await first('notifications', { user_id: demoId })) ?? 999_999, cases: filed.body.case.id, rewards: rewardId, redemptions: redemption.id, 'by-code': redemption.code,
      awards: award.id, regions: xfl, residents: demoId, 'patrol-teams': team ?? 999_999, 'patrol-routes': route ?? 999_999,
      'patrol-checkpoints': (await first('patrol_checkpoints', { route_id: route ?? 0 })) ?? 999_999,
      'patrol-memberships': (await first('patrol_memberships', { team_id: team ?? 0 })) ?? 999_999,
      patrols: (await first('patrols')) ?? 999_999, outbox: (await first('outbox_messages')) ?? 999_999,
      categories: 'noise', grids: await s.make.regionId('XT-YT-JSL-XFL-G1'), grid: (await first('grid_platforms')) ?? 999_999,
    },
    publicSegments: new Set(['regions', 'categories', 'grids']),
    openToResidents: new Set(['patrol-teams']),
  }
}

/** The path segment that names what a parameter refers to: /api/staff/rewards/:id → rewards. */
export function resourceOf(path: string): string | undefined {
  const parts = path.split('/')
  const at = parts.findIndex((p) => p.startsWith(':'))
  return at > 0 ? parts[at - 1] : undefined
}

/** The endpoint's path with its parameters filled from the world; throws for a resource it does not know. */
export function pathIn(world: ProbeWorld, endpoint: Endpoint): string {
  return endpoint.path.replace(/:([A-Za-z]+)/g, () => {
    const resource = resourceOf(endpoint.path)!
    if (!(resource in world.params)) throw new Error(`no probe fixture for ${endpoint.path}: add "${resource}" to buildWorld`)
    return encodeURIComponent(String(world.params[resource]))
  })
}

// ---- bodies from the shared schemas --------------------------------------------------------------------------

type JsonSchema = Record<string, any>

/** The JSON Schema of what a caller sends (the input side of the zod schema), all inline. */
export function inputSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', metadata: z.registry() }) as JsonSchema
}

const SAFE_STRING = fc.string({ unit: fc.constantFrom(...'abc测试巡逻01-_ '.split('')), minLength: 0, maxLength: 12 })

/** Values the schema accepts, most of the time (transforms and refinements may still refuse some). */
export function validArbitrary(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum)
  const variants = schema.anyOf ?? schema.oneOf
  if (Array.isArray(variants) && variants.length) return fc.oneof(...variants.map((v: JsonSchema) => validArbitrary(v, depth)))
  if (Array.isArray(schema.allOf) && schema.allOf.length) return validArbitrary(schema.allOf[0], depth)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>
      if (depth > 6) return fc.constant({})
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [key, sub] of Object.entries(props)) model[key] = validArbitrary(sub, depth + 1)
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => k in props) })
    }
    case 'array':
      return fc.array(schema.items ? validArbitrary(schema.items, depth + 1) : fc.constant(null), {
        minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, Math.max(schema.minItems ?? 0, 4)),
      })
    case 'integer':
    {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Math.floor(schema.exclusiveMinimum) + 1 : -1000)
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? Math.ceil(schema.exclusiveMaximum) - 1 : 100_000)
      return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) })
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? schema.exclusiveMinimum ?? -1000, max: schema.maximum ?? schema.exclusiveMaximum ?? 100_000, noNaN: true, noDefaultInfinity: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'string': {
      if (schema.format === 'date-time') return fc.date({ min: new Date(Date.now() - 30 * 86_400_000), max: new Date(), noInvalidDate: true }).map((d) => d.toISOString())
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length >= (schema.minLength ?? 0) && v.length <= (schema.maxLength ?? 10_000))
        } catch {
          // a pattern fast-check cannot invert: plain strings
        }
      }
      const min = schema.minLength ?? 0
      const max = Math.max(min, Math.min(schema.maxLength ?? 24, 40))
      return fc.string({ unit: fc.constantFrom(...'abc测试巡逻01-_ '.split('')), minLength: min, maxLength: max })
    }
    default:
      return fc.oneof(SAFE_STRING, fc.integer(), fc.boolean(), fc.constant(null))
  }
}

/** A value nested `depth` levels deep, built without recursion. */
function deeplyNested(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

/** Bodies a careless or hostile client sends: valid ones, near misses (a field dropped or of the wrong type), junk. */
export function bodyArbitrary(schema: JsonSchema): fc.Arbitrary<unknown> {
  const valid = validArbitrary(schema)
  const nearMiss = valid.chain((v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length === 0) return fc.constant(v)
    const keys = Object.keys(v)
    return fc.tuple(fc.constantFrom(...keys), fc.oneof(
      fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 3 }), fc.integer(), fc.double(), fc.boolean(),
      fc.constant('x'.repeat(5000)), fc.constant(-1), fc.constant(2 ** 53), fc.constant([]), fc.constant({}),
      fc.constant('<script>alert(1)</script>'), fc.constant("' OR 1=1 --"), fc.constant('\u0000\ud800'),
    )).map(([key, bad]) => ({ ...(v as object), [key]: bad }))
  })
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: nearMiss, weight: 4 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
    { arbitrary: fc.constantFrom(deeplyNested(33), deeplyNested(200), [], "", 0, null), weight: 1 },
  )
}
