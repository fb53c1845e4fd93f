import { rename, stat } from 'node:fs/promises'
import type { Db } from '../db/knex'
import { withTransaction } from '../db/transaction'
import type { Checkpoint } from './checkpoint'
import { rechainLedger } from './rechain'
import { checkpointLedger, verifyLedger, type LedgerProblem } from './verify'

export interface RekeyResult {
  /** What the full verification under the previous key found; when any, nothing was changed. */
  problems: LedgerProblem[]
  rehashed: number
  /** Where the checkpoints signed with the previous key were moved (null when there were none). */
  retiredFile: string | null
  /** The first checkpoint signed with the new key. */
  checkpoint: Checkpoint | null
}

/**
 * Moves the ledger's chain to the configured key (LEDGER_CHAIN_KEY) from `previousKey`: verifies everything under
 * the previous key first (a ledger that does not verify is left as it is: re-chaining would bless whatever was
 * altered), re-chains every row in one transaction, moves the old checkpoint file aside (its signatures are the
 * previous key's) and starts a new one. Run with the service and the workers stopped.
 */
export async function rekeyLedger(db: Db, { previousKey, checkpointFile, now }: { previousKey: string; checkpointFile: string; now: Date }): Promise<RekeyResult> {
  const before = await verifyLedger(db, { key: previousKey })
  if (before.problems.length > 0) return { problems: before.problems, rehashed: 0, retiredFile: null, checkpoint: null }
  const rehashed = await withTransaction(db, (trx) => rechainLedger(trx))
  let retiredFile: string | null = null
  if (await stat(checkpointFile).catch(() => null)) {
    retiredFile = `${checkpointFile}.retired-${now.toISOString().replace(/[:.]/g, '-')}`
    await rename(checkpointFile, retiredFile)
  }
  const { report, written } = await checkpointLedger(db, checkpointFile, now)
  return { problems: report.problems, rehashed, retiredFile, checkpoint: written }
}
