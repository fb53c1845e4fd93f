/** Deeper than any request body may be (the body parser refuses past 32): a guard, not a limit callers meet. */
const MAX_DEPTH = 256

/** JSON with object keys sorted and undefined dropped, so equal values always serialise (and hash) the same. */
export function canonicalJson(value: unknown): string {
  return write(value, 0)
}

function write(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (depth >= MAX_DEPTH) throw new RangeError('canonicalJson: value nested too deep')
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i], depth + 1)
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  let out = '{'
  for (const key of keys) {
    const v = record[key]
    if (v === undefined) continue
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${write(v, depth + 1)}`
  }
  return `${out}}`
}
