import { z } from 'zod'
import { ConsentKind } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { time } from './rows'

export const ConsentRow = z.object({ user_id: z.coerce.number().int(), kind: ConsentKind, granted_at: time })
export type ConsentRow = z.infer<typeof ConsentRow>

/** One-time consents a user gave (and may withdraw), kept server-side. */
export const consentsRepo = {
  async ofUser(db: Queryable, userId: number) {
    return (await db('user_consents').where({ user_id: userId }).orderBy('kind')).map((r: unknown) => ConsentRow.parse(r))
  },
  async find(db: Queryable, userId: number, kind: ConsentKind) {
    const row = await db('user_consents').where({ user_id: userId, kind }).first()
    return row ? ConsentRow.parse(row) : undefined
  },
  /** Records the consent once; asked again, the first time stands. */
  async grant(db: Queryable, userId: number, kind: ConsentKind, now: Date) {
    await db('user_consents').insert({ user_id: userId, kind, granted_at: now }).onConflict(['user_id', 'kind']).ignore()
  },
  async withdraw(db: Queryable, userId: number, kind: ConsentKind) {
    await db('user_consents').where({ user_id: userId, kind }).delete()
  },
  async deleteAllOf(db: Queryable, userId: number) {
    await db('user_consents').where({ user_id: userId }).delete()
  },
}
