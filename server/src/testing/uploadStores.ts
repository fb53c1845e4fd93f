import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startFakeS3, type FakeS3 } from './s3'

/** The upload stores every photo test runs on: a local directory and an S3-compatible bucket (s3rver). */
export type UploadStoreKind = 'local' | 's3'
export const UPLOAD_STORE_KINDS: UploadStoreKind[] = ['local', 's3']

/** Each item crossed with each upload store, for describe.each: [item, store]. */
export function withUploadStores<T>(items: T[]): [T, UploadStoreKind][] {
  return items.flatMap((item) => UPLOAD_STORE_KINDS.map((store): [T, UploadStoreKind] => [item, store]))
}

export interface TestUploadStore {
  kind: UploadStoreKind
  /** UPLOAD_DIR or UPLOAD_STORE, for startTestServer's env. */
  env: Record<string, string>
  /** The fake S3 server, for the s3 kind. */
  s3: FakeS3 | null
  close(): Promise<void>
}

/** A fresh, empty store of the kind: a temporary directory, or a bucket on a local S3-compatible server of its own. */
export async function startTestUploadStore(kind: UploadStoreKind): Promise<TestUploadStore> {
  if (kind === 's3') {
    const s3 = await startFakeS3()
    return { kind, env: { UPLOAD_STORE: s3.storeUrl() }, s3, close: () => s3.close() }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-uploads-'))
  return {
    kind, env: { UPLOAD_DIR: dir }, s3: null,
    async close() {
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
