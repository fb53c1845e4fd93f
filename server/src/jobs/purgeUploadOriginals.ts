import { createFileStore } from '../integrations/fileStore'
import { uploadsRepo } from '../repositories/uploads'
import { jobs, type Job, type JobServices } from './index'

const BATCH = 200
const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Deletes photo originals (the copies with EXIF: camera, time, GPS) older than UPLOAD_ORIGINAL_RETENTION_DAYS.
 * The EXIF-free copy every viewer sees stays. The file goes first and the mark after, so a run cut short in
 * between deletes it again next time rather than leaving it behind.
 */
export async function purgeUploadOriginals(
  { db, config, files = createFileStore(config.gridLoop.uploadStore) }: Pick<JobServices, 'db' | 'config' | 'files'>,
  now: Date,
): Promise<{ processed: number }> {
  const before = new Date(now.getTime() - config.retention.uploadOriginalDays * DAY_MS)
  const due = await uploadsRepo.originalsBefore(db, before, BATCH)
  for (const upload of due) await files.delete(upload.original_key)
  await uploadsRepo.markOriginalPurged(db, due.map((u) => u.id), now)
  return { processed: due.length }
}

export const purgeUploadOriginalsJob: Job = {
  name: 'purge-upload-originals',
  intervalMs: 60 * 60 * 1000,
  run: (services, now) => purgeUploadOriginals(services, now),
}

jobs.push(purgeUploadOriginalsJob)
