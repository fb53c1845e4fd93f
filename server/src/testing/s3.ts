import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { SignatureV4 } from '@smithy/signature-v4'
import S3rver from 's3rver'

/** s3rver's built-in credentials. */
export const FAKE_S3_ACCESS_KEY = 'S3RVER'
export const FAKE_S3_SECRET = 'S3RVER'
/** Not the default us-east-1, so a client that leaves the region out of its signature is refused. */
export const FAKE_S3_REGION = 'cn-test-1'

export interface FakeS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string
  /** The bucket it was started with. */
  bucket: string
  /** UPLOAD_STORE for a bucket on this server (its own by default). */
  storeUrl(options?: { bucket?: string; accessKey?: string; secret?: string; region?: string }): string
  /** Stops the server; a second call does nothing. */
  close(): Promise<void>
}

/** What the signer hashes. */
type SourceData = string | ArrayBuffer | ArrayBufferView
const bytesOf = (data: SourceData) =>
  typeof data === 'string' ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data)

/** node:crypto behind the hash interface the AWS signer takes (an HMAC when given a key). */
class Sha256 {
  private readonly hash
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret))
  }
  update(data: SourceData) {
    this.hash.update(bytesOf(data))
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest()
  }
}

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`

/**
 * A local S3-compatible server with one bucket, on a free port of the loopback interface: s3rver (objects in a
 * temporary directory) behind a front that checks each request's AWS Signature V4 with AWS's own signer, as S3 does
 * and s3rver does not (it checks only that the access key exists), and the payload against its signed SHA-256.
 */
export async function startFakeS3({ bucket = 'anju-test' }: { bucket?: string } = {}): Promise<FakeS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-s3-'))
  const store = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] })
  const { port: storePort } = await store.run()
  const signer = new SignatureV4({
    credentials: { accessKeyId: FAKE_S3_ACCESS_KEY, secretAccessKey: FAKE_S3_SECRET },
    region: FAKE_S3_REGION, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false,
  })

  /** The reason S3 would refuse the request's authentication, or null when it is signed with our secret. */
  async function refusal(req: http.IncomingMessage, body: Buffer): Promise<[number, string, string] | null> {
    const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/
      .exec(req.headers.authorization ?? '')
    if (!auth) return [403, 'AccessDenied', 'Missing or malformed AWS Signature V4 Authorization header']
    const [, accessKey, , region, signedHeaders, signature] = auth
    if (accessKey !== FAKE_S3_ACCESS_KEY) return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.']
    if (region !== FAKE_S3_REGION) return [400, 'AuthorizationHeaderMalformed', `the region '${region}' is wrong; expecting '${FAKE_S3_REGION}'`]
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '')
    if (/^[0-9a-f]{64}$/.test(payloadHash) && createHash('sha256').update(body).digest('hex') !== payloadHash) {
      return [400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.']
    }
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(req.headers['x-amz-date'] ?? ''))
    if (!date) return [403, 'AccessDenied', 'X-Amz-Date is missing']
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const names = signedHeaders!.split(';')
    const headers = Object.fromEntries(names.map((name) => [name, String(req.headers[name] ?? '')]))
    const expected = await signer.sign(
      {
        method: req.method ?? 'GET', protocol: 'http:', hostname: String(req.headers.host), path: url.pathname,
        query: Object.fromEntries(url.searchParams), headers, body: undefined,
      },
      { signingDate: new Date(Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!)), signableHeaders: new Set(names) },
    )
    const computed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? ''
    if (computed.length !== 64 || !timingSafeEqual(Buffer.from(computed), Buffer.from(signature!))) {
      return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.']
    }
    return null
  }

  const front = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      refusal(req, body).then((refused) => {
        if (refused) {
          // As S3 does, an answer about the wrong region names the bucket's.
          const region = refused[1] === 'AuthorizationHeaderMalformed' ? { 'x-amz-bucket-region': FAKE_S3_REGION } : {}
          res.writeHead(refused[0], { 'Content-Type': 'application/xml', ...region }).end(req.method === 'HEAD' ? undefined : xmlError(refused[1], refused[2]))
          return
        }
        const forward = http.request({ host: '127.0.0.1', port: storePort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        })
        forward.on('error', () => res.writeHead(502).end())
        forward.end(body)
      }, () => res.writeHead(500).end())
    })
  })
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  const { port } = front.address() as AddressInfo

  return {
    endpoint: `http://127.0.0.1:${port}`, bucket,
    storeUrl: (o = {}) =>
      `s3+http://${o.accessKey ?? FAKE_S3_ACCESS_KEY}:${o.secret ?? FAKE_S3_SECRET}@127.0.0.1:${port}/${o.bucket ?? bucket}?region=${o.region ?? FAKE_S3_REGION}`,
    async close() {
      if (!front.listening) return
      await new Promise((resolve) => front.close(resolve))
      front.closeAllConnections()
      await store.close()
      fs.rmSync(directory, { recursive: true, force: true })
    },
  }
}
