/**
 * A local grid platform to try forwarding by hand: prints every event Anju delivers, with whether its
 * X-Anju-Signature checks out, and answers 200. Run: npm run demo:grid-platform (GRID_RECEIVER_PORT,
 * GRID_RECEIVER_SECRET), then register http://127.0.0.1:<port>/events as a region's platform.
 */
import http from 'node:http'
import { SIGNATURE_HEADER, verifySignature } from '../integrations/gridPlatform'

const port = Number(process.env.GRID_RECEIVER_PORT ?? 4100)
const secret = process.env.GRID_RECEIVER_SECRET ?? 'demo-grid-platform-secret'

http
  .createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const signed = verifySignature(secret, raw, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined)
      console.log(`${new Date().toISOString()} ${req.method} ${req.url} signature ${signed ? 'ok' : 'BAD'} key ${req.headers['idempotency-key'] ?? '-'}`)
      console.log(raw.toString('utf8'))
      res.writeHead(signed ? 200 : 401, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ ok: signed }))
    })
  })
  .listen(port, '127.0.0.1', () => console.log(`grid platform stand-in on http://127.0.0.1:${port}/events (secret ${secret})`))
