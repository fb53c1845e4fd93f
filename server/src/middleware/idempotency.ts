import { createHash } from 'node:crypto'
import type { z } from 'zod'
import type { AppContext, AppMiddleware } from '../context'
import type { Trx } from '../db/knex'
import { isUniqueViolation, withTransaction } from '../db/transaction'
import { AppError, errors } from '../errors'
import { canonicalJson } from '../lib/canonicalJson'
import { idempotencyKeysRepo, type IdempotencyRow } from '../repositories/idempotencyKeys'

const KEY_FORMAT = /^[A-Za-z0-9_.:-]{8,128}$/

export interface IdempotentRequest {
  scope: string
  key: string
  method: string
  path: string
  requestHash: string
  /** Set once the response has been stored, inside the request's transaction or after it. */
  recorded: boolean
}

/** Thrown to abandon a transaction whose key turned out to be taken; carries the first answer. */
class ReplayStored extends Error {
  constructor(readonly row: IdempotencyRow) {
    super('idempotent replay')
  }
}

function replay(ctx: AppContext, idem: IdempotentRequest, row: IdempotencyRow) {
  if (row.request_hash !== idem.requestHash) throw errors.idempotencyKeyReused()
  if (row.status_code === 0) throw errors.idempotencyInProgress()
  ctx.status = row.status_code
  ctx.body = JSON.parse(row.response_body)
  ctx.set('Idempotent-Replayed', 'true')
}

/**
 * Any POST may carry an Idempotency-Key. A repeat with the same key and body gets the stored answer
 * without running again; the same key with a different body is a 409. Keys are scoped per account
 * (or to anonymous callers), so two people cannot collide.
 *
 * Routes that write use `transact()`, which stores the answer in the same database transaction as the
 * effect, so a crash can never leave an effect without its answer. Routes that do not write have their
 * successful answer stored here, after the fact.
 */
export function idempotency(): AppMiddleware {
  return async function idempotency(ctx, next) {
    const key = ctx.get('Idempotency-Key')
    if (ctx.method !== 'POST' || !key) return next()
    if (!KEY_FORMAT.test(key)) throw errors.idempotencyKeyInvalid()

    const scope = ctx.state.actor ? `user:${ctx.state.actor.id}` : 'anonymous'
    const requestHash = createHash('sha256')
      .update(`${ctx.method} ${ctx.path}\n${canonicalJson(ctx.request.body ?? null)}`)
      .digest('hex')
    const idem: IdempotentRequest = { scope, key, method: ctx.method, path: ctx.path, requestHash, recorded: false }

    const stored = await idempotencyKeysRepo.find(ctx.services.db, scope, key)
    if (stored) return replay(ctx, idem, stored)

    ctx.state.idempotency = idem
    try {
      await next()
    } catch (err) {
      if (err instanceof ReplayStored) return replay(ctx, idem, err.row)
      // Refused by what the same key's first run did (limit reached, points spent): that run committed after this
      // one looked, which on a multi-primary database nothing else serialises. The first answer is the answer.
      if (err instanceof AppError && err.status >= 400 && err.status < 500 && !err.code.startsWith('IDEMPOTENCY_')) {
        const committed = await idempotencyKeysRepo.find(ctx.services.db, scope, key)
        if (committed && committed.status_code !== 0) return replay(ctx, idem, committed)
      }
      throw err
    }
    if (!idem.recorded && ctx.status < 400) {
      try {
        await idempotencyKeysRepo.claim(ctx.services.db, idem)
        await idempotencyKeysRepo.complete(ctx.services.db, scope, key, ctx.status, ctx.body)
      } catch (err) {
        if (!isUniqueViolation(err)) throw err
      }
    }
  }
}

/**
 * For answers that carry credentials: the key is neither claimed nor its answer stored, so a retry runs again
 * and is issued afresh. The key stays readable (`ctx.get('Idempotency-Key')`) for the command to recognise
 * its own retry.
 */
export function withoutStoredAnswer(ctx: AppContext): void {
  const idem = ctx.state.idempotency
  if (!idem) return
  idem.recorded = true
  ctx.state.idempotency = undefined
}

export interface TransactOptions<S extends z.ZodType> {
  /** Status of a successful answer; stored with it. */
  status: number
  /** Shapes the answer before it is stored, so a replay is byte-for-byte what the first caller got. */
  schema: S
}

/**
 * Runs one request's writes in a transaction (retried on deadlock) and, when the request carries an
 * Idempotency-Key, claims the key first and stores the answer before commit.
 */
export async function transact<S extends z.ZodType>(
  ctx: AppContext,
  work: (trx: Trx) => Promise<z.input<S>>,
  { status, schema }: TransactOptions<S>,
): Promise<z.output<S>> {
  const idem = ctx.state.idempotency
  try {
    return await withTransaction(ctx.services.db, async (trx) => {
      if (idem) await idempotencyKeysRepo.claim(trx, idem)
      const answer = schema.parse(await work(trx))
      if (idem) await idempotencyKeysRepo.complete(trx, idem.scope, idem.key, status, answer)
      return answer
    })
  } catch (err) {
    if (idem && isUniqueViolation(err)) {
      const row = await idempotencyKeysRepo.find(ctx.services.db, idem.scope, idem.key)
      if (row) throw new ReplayStored(row)
    }
    throw err
  } finally {
    if (idem) idem.recorded = true
  }
}
