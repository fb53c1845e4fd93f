import type { Endpoint } from '@anju/shared'
import '@anju/shared'
import { z } from 'zod'

const REF_PREFIX = '#/components/schemas/'

function registrySchemas(io: 'input' | 'output') {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    io,
    uri: (id) => `${REF_PREFIX}${id}`,
  })
  for (const json of Object.values(schemas)) {
    delete (json as Record<string, unknown>).$schema
    delete (json as Record<string, unknown>).$id
  }
  return schemas
}

/** The component ids `node` refers to, directly or through other components. */
function referencedIds(node: unknown, schemas: Record<string, unknown>, found = new Set<string>()): Set<string> {
  if (!node || typeof node !== 'object') return found
  const ref = (node as { $ref?: unknown }).$ref
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) {
    const id = ref.slice(REF_PREFIX.length)
    if (!found.has(id)) {
      found.add(id)
      referencedIds(schemas[id], schemas, found)
    }
    return found
  }
  for (const child of Object.values(node)) referencedIds(child, schemas, found)
  return found
}

/**
 * Named schemas (with .meta({id})) become components and are referred to by $ref. Those a request body reaches
 * are described as the server reads them (unknown fields are dropped, fields with a default may be left out);
 * the rest as answers are written (exactly their fields: additionalProperties false).
 */
function components(endpoints: Endpoint[]) {
  const output = registrySchemas('output')
  const input = registrySchemas('input')
  const read = new Set<string>()
  for (const e of endpoints) if (e.body) referencedIds(refOrInline(e.body, 'input'), input, read)
  return Object.fromEntries(Object.keys(output).map((id) => [id, read.has(id) ? input[id] : output[id]]))
}

function inline(schema: z.ZodType, io: 'input' | 'output') {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io, metadata: z.registry() })
  delete (json as Record<string, unknown>).$schema
  return json as Record<string, unknown>
}

function refOrInline(schema: z.ZodType, io: 'input' | 'output') {
  const id = z.globalRegistry.get(schema)?.id
  return id ? { $ref: `${REF_PREFIX}${id}` } : inline(schema, io)
}

function parametersOf(endpoint: Endpoint) {
  const params: unknown[] = []
  for (const [where, schema] of [['path', endpoint.params], ['query', endpoint.query]] as const) {
    if (!schema) continue
    const json = inline(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] }
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      params.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: prop })
    }
  }
  return params
}

/** The OpenAPI 3.0 document, generated from the same zod schemas the server validates with. */
export function buildOpenApi(endpoints: Endpoint[]) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const e of endpoints) {
    const path = e.path.replace(/:([A-Za-z_]+)/g, '{$1}')
    const status = String(e.status ?? 200)
    const errorResponse = { description: '错误', content: { 'application/json': { schema: { $ref: `${REF_PREFIX}ErrorBody` } } } }
    paths[path] ??= {}
    paths[path][e.method.toLowerCase()] = {
      summary: e.summary,
      tags: [e.tag],
      ...(e.auth ? { security: [{ bearer: [] }] } : {}),
      parameters: [
        ...parametersOf(e),
        ...(e.method === 'POST'
          ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' } }]
          : []),
      ],
      ...(e.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: refOrInline(e.body, 'input') } } } }
        : {}),
      responses: {
        [status]: { description: '成功', content: { 'application/json': { schema: refOrInline(e.response, 'output') } } },
        '4XX': errorResponse,
        '5XX': errorResponse,
      },
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Anju 安居 API', version: '0.1.0' },
    components: {
      schemas: components(endpoints),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths,
  }
}
