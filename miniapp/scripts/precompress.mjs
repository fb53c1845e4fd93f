// Writes a brotli (.br) and a gzip (.gz) copy beside each text file of a built site, at the highest levels,
// so the server can send browsers that accept them a compressed file without compressing on every request
// (koa-static picks the copy; server/src/middleware/h5Static.ts). `npm run build:h5` runs it:
//   node scripts/precompress.mjs dist/h5
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 256

function* filesUnder(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* filesUnder(file)
    else yield file
  }
}

const root = process.argv[2]
if (!root || !fs.existsSync(root)) {
  console.error('usage: node scripts/precompress.mjs <built site folder>')
  process.exit(2)
}

const total = { files: 0, raw: 0, br: 0, gz: 0 }
for (const file of [...filesUnder(root)]) {
  if (!COMPRESSIBLE.test(file)) continue
  const raw = fs.readFileSync(file)
  const copies = {
    br: zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    gz: zlib.gzipSync(raw, { level: zlib.constants.Z_BEST_COMPRESSION }),
  }
  for (const [ext, bytes] of Object.entries(copies)) {
    const copy = `${file}.${ext}`
    // A copy that saves nothing is not kept, nor one left from an earlier build of a larger file.
    if (raw.length >= MIN_BYTES && bytes.length < raw.length) fs.writeFileSync(copy, bytes)
    else fs.rmSync(copy, { force: true })
  }
  total.files += 1
  total.raw += raw.length
  total.br += Math.min(copies.br.length, raw.length)
  total.gz += Math.min(copies.gz.length, raw.length)
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`
console.log(`precompressed ${total.files} files in ${root}: ${kb(total.raw)} → brotli ${kb(total.br)}, gzip ${kb(total.gz)}`)
