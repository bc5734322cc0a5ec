/**
 * @module The OpenAPI 3.1 document served at /api/openapi.json, generated from the operations
 * list (./operations) and so from the zod schemas the routes validate with (z.toJSONSchema).
 */
import * as z from 'zod';
import { translator } from '../i18n';
import { ERROR_CODES, ERROR_MEANINGS } from './error-codes';
import { OPERATIONS, type Operation } from './operations';
import { apiErrorBody } from './responses';

type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, as a request (input) or response (output). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

function parameters(op: Operation): Json[] {
  const list: Json[] = [];
  for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      list.push({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema: property });
    }
  }
  return list;
}

function errorResponses(op: Operation): Json {
  const en = translator('en');
  const byStatus = new Map<number, string[]>();
  for (const [status, code] of op.errors) byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.map((code) => `\`${code}\`: ${ERROR_MEANINGS[code as keyof typeof ERROR_MEANINGS]}`).join(' '),
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/ApiError' },
            examples: Object.fromEntries(codes.map((code) => [code, { value: { error: { code, message: en(`errors.${code}`) } } }])),
          },
        },
      },
    ]),
  );
}

function operationObject(op: Operation): Json {
  const ok: Json = { description: op.ok.description };
  if (op.ok.schema) ok.content = { 'application/json': { schema: jsonSchema(op.ok.schema, 'output') } };
  else if (op.ok.media) ok.content = { [op.ok.media]: {} };
  const body =
    op.body === 'bytes'
      ? { required: true, content: { 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } } } }
      : op.body
        ? { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } }
        : undefined;
  const params = parameters(op);
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    ...(op.reader ? { security: [{ reader: [] }] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: { [String(op.ok.status)]: ok, ...errorResponses(op) },
  };
}

let built: Json | undefined;

export function openApiDocument(): Json {
  if (built) return built;
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  built = {
    openapi: '3.1.0',
    info: {
      title: 'Buzón',
      version: '1',
      description:
        'An anonymous, end-to-end encrypted complaint channel. Every report and message is sealed in the browser; the flows step by step are in docs/api.md and the formats byte by byte in docs/crypto.md. Errors are `{error:{code,message,fields?}}`, the message in the language of `?lang=es|en` or Accept-Language (Spanish by default). Every response carries `Cache-Control: no-store` and sets no cookie.',
      license: { name: 'see the repository' },
    },
    tags: ['report', 'mailbox', 'console', 'trends', 'pages', 'deployment'].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ApiError: jsonSchema(apiErrorBody, 'output') },
      securitySchemes: { reader: { type: 'http', scheme: 'bearer', description: 'the token from POST /console/api/signin' } },
    },
    'x-error-codes': Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_MEANINGS[code]])),
  };
  return built;
}
