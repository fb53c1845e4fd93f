import type { Knex } from 'knex'

/** The sign-in and refresh paths, whose answers are sessions (access and refresh tokens). */
const CREDENTIAL_PATHS = ['/api/auth/wechat', '/api/auth/staff', '/api/auth/dev', '/api/auth/refresh']

/**
 * Stored idempotent answers never hold credentials: the ones already stored for sign-in and refresh go. A
 * refresh token remembers (as a hash) the Idempotency-Key that spent it, so a retry of a refresh whose answer
 * was lost is issued a new session rather than taken for a stolen token.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('idempotency_keys').whereIn('path', CREDENTIAL_PATHS).delete()
  await knex.schema.alterTable('refresh_tokens', (t) => {
    t.string('used_by_key', 64).nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('refresh_tokens', (t) => {
    t.dropColumn('used_by_key')
  })
}
