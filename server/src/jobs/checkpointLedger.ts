import type { Services } from '../context'
import { checkpointLedger } from '../ledger'
import { jobs, type Job } from './index'

const MINUTE_MS = 60 * 1000

/**
 * Every LEDGER_CHECKPOINT_INTERVAL_MINUTES (60 by default), verifies the ledger from the latest checkpoint and
 * appends a new signed one to LEDGER_CHECKPOINT_FILE, as `ledger:checkpoint` does; so an incremental
 * `ledger:verify` never has more than an interval's entries to replay. A verification that finds a problem writes
 * no checkpoint and is logged as an error, every run until someone looks. Several workers may each append to
 * their own file (or the same one): a checkpoint more is harmless.
 */
export async function runLedgerCheckpoint({ db, config, logger }: Pick<Services, 'db' | 'config' | 'logger'>, now: Date): Promise<{ processed: number }> {
  if (config.ledger.checkpointMinutes === 0) return { processed: 0 }
  const { report, written } = await checkpointLedger(db, config.ledger.checkpointFile, now)
  if (!written) {
    logger.error({ problems: report.problems.slice(0, 20), count: report.problems.length }, 'ledger verification found problems: no checkpoint written')
    return { processed: 0 }
  }
  return { processed: 1 }
}

export const checkpointLedgerJob: Job = {
  name: 'ledger-checkpoint',
  intervalMs: (config) => (config.ledger.checkpointMinutes || 60) * MINUTE_MS,
  run: (services, now) => runLedgerCheckpoint(services, now),
}

jobs.push(checkpointLedgerJob)
