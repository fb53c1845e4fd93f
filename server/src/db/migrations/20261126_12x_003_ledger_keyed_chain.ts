import type { Knex } from 'knex'
import { rechainLedger } from '../../ledger/rechain'

/**
 * The ledger's chain becomes an HMAC-SHA256 with LEDGER_CHAIN_KEY over stable keys (account key, slot and
 * sequence rather than row ids), covering the award source and the posting time. Every stored transaction is
 * hashed again with the key the process was configured with (`main.ts migrate` sets it from the configuration
 * before migrating, as the server does before posting).
 */
export async function up(knex: Knex): Promise<void> {
  await rechainLedger(knex)
}

/** The unkeyed hashes are not restored: the keyed chain verifies the same rows. */
export async function down(): Promise<void> {}
