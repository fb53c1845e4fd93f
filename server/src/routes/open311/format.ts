/**
 * Open311 GeoReport v2 bodies: JSON as is, XML with the spec's element names (a list becomes a root element
 * with one child per item, e.g. <service_requests><request>…</request></service_requests>).
 */
export type Open311Format = 'json' | 'xml'

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

/** Child element names for arrays inside an item (attributes → attribute, values → value, …). */
const ARRAY_CHILD: Record<string, string> = {
  attributes: 'attribute', values: 'value', endpoints: 'endpoint', formats: 'format', keywords: 'keyword',
}

function valueToXml(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`
  if (Array.isArray(value)) {
    const child = ARRAY_CHILD[name] ?? 'item'
    return `<${name}>${value.map((v) => valueToXml(child, v)).join('')}</${name}>`
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, unknown>).map(([k, v]) => valueToXml(k, v)).join('')}</${name}>`
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

/** An XML document: the declaration the spec requires, then `root` holding one `item` per entry. */
export function listToXml(root: string, item: string, entries: object[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${entries.map((e) => valueToXml(item, e)).join('')}</${root}>`
}

export function objectToXml(root: string, value: object): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${valueToXml(root, value)}`
}

/** "requests.json" → { name: "requests", format: "json" }; null when the extension is not one we speak. */
export function splitFormat(file: string): { name: string; format: Open311Format } | null {
  const dot = file.lastIndexOf('.')
  if (dot <= 0) return null
  const format = file.slice(dot + 1).toLowerCase()
  if (format !== 'json' && format !== 'xml') return null
  return { name: file.slice(0, dot), format }
}
