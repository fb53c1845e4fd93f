import fs from 'node:fs/promises'
import path from 'node:path'

/**
 * Where uploaded bytes live. Local disk by default; an object store (OSS, COS, S3) implements the same
 * three calls. Keys are ours ("public/ab/abcd….jpg"), never a caller's file name.
 */
export interface FileStore {
  put(key: string, bytes: Buffer): Promise<void>
  get(key: string): Promise<Buffer | null>
  delete(key: string): Promise<void>
}

const KEY_FORMAT = /^[a-z]+\/[a-f0-9]{2}\/[a-f0-9]{32}\.[a-z]{3,4}$/

export function createLocalFileStore(root: string): FileStore {
  const fileFor = (key: string) => {
    if (!KEY_FORMAT.test(key)) throw new Error(`bad file key ${key}`)
    return path.join(root, key)
  }
  return {
    async put(key, bytes) {
      const file = fileFor(key)
      await fs.mkdir(path.dirname(file), { recursive: true })
      // Write then rename, so a reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`
      await fs.writeFile(tmp, bytes)
      await fs.rename(tmp, file)
    },
    async get(key) {
      try {
        return await fs.readFile(fileFor(key))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw err
      }
    },
    async delete(key) {
      await fs.rm(fileFor(key), { force: true })
    },
  }
}
