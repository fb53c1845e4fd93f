import { createFileStore } from '../integrations/fileStore'
import { uploadsRepo } from '../repositories/uploads'
import { jobs, type Job, type JobServices } from './index'

const BATCH = 200
/** A photo not attached to a report or a reward within a day was abandoned: its original may carry a location. */
export const UNATTACHED_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000

/** Deletes abandoned uploads, row first (so a report or a reward can no longer take it), then both stored copies. */
export async function sweepUploads(
  { db, config, files = createFileStore(config.gridLoop.uploadStore) }: Pick<JobServices, 'db' | 'config' | 'files'>,
  now: Date,
  stopping?: AbortSignal,
): Promise<{ processed: number }> {
  let processed = 0
  for (const upload of await uploadsRepo.unattachedBefore(db, new Date(now.getTime() - UNATTACHED_UPLOAD_TTL_MS), BATCH)) {
    if (stopping?.aborted) break
    if (!(await uploadsRepo.deleteUnattached(db, upload.id))) continue
    await files.delete(upload.public_key)
    await files.delete(upload.original_key)
    processed++
  }
  return { processed }
}

export const sweepUploadsJob: Job = {
  name: 'sweep-uploads',
  intervalMs: 60 * 60 * 1000,
  run: (services, now, stopping) => sweepUploads(services, now, stopping),
}

jobs.push(sweepUploadsJob)
