/**
 * The OpenAPI document at /api/openapi.json: generated from the routes' zod schemas, naming every
 * route the app has (and none it lacks), every error a route can answer, and matching the real
 * answers of a report's life (submit, retry, follow up, answer, errors).
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { ERROR_CODES } from '../../src/openapi/error-codes';
import * as r from '../../src/openapi/responses';
import { translator } from '../../src/i18n';
import { buildSubmission, makeFacility, mailboxProof, post, releaseNow, sodium } from './helpers';

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }> }>> };
const doc = async () => (await (await SELF.fetch('https://buzon.test/api/openapi.json')).json()) as Doc;

/** Hono's `/cases/:id` and `/f/:code{regex}` in OpenAPI's form; `/assets/*` as `/assets/{file}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)(\{[^}]*\}+)?/g, '{$1}').replace(/\/\*$/, '/{file}').replace(/(.)\/$/, '$1');

/** The Worker's source, to read which (status, code) pairs it can answer with. */
const sources = import.meta.glob('../../src/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('OpenAPI document', () => {
  it('should be OpenAPI 3.1 with the request schemas the routes validate with', async () => {
    const d = await doc();
    expect(d.openapi).toBe('3.1.0');
    const submit = (d.paths['/api/reports']!.post as unknown as { requestBody: { content: { 'application/json': { schema: { properties: Record<string, { enum?: string[] }>; additionalProperties: boolean } } } } }).requestBody.content['application/json'].schema;
    expect(submit.additionalProperties).toBe(false);
    expect(submit.properties.sendTo!.enum).toEqual(['monitor', 'authority', 'both']);
    expect(Object.keys(submit.properties)).toEqual(['v', 'reportId', 'facility', 'categories', 'sendTo', 'mailbox', 'envelope', 'constancia', 'attachments', 'pow']);
  });

  it('should document every route of the app, and no route it does not have', async () => {
    const routes = new Set(app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`));
    const documented = new Set(Object.entries((await doc()).paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)));
    expect(routes.size).toBeGreaterThan(25);
    expect([...routes].filter((x) => !documented.has(x)), 'routes missing from the document').toEqual([]);
    expect([...documented].filter((x) => !routes.has(x)), 'documented routes the app lacks').toEqual([]);
  });

  it('should list every status and error code the route files answer with', async () => {
    const d = await doc();
    const documented = new Set<string>();
    for (const item of Object.values(d.paths))
      for (const op of Object.values(item))
        for (const [status, res] of Object.entries(op.responses)) for (const code of Object.keys(res.content?.['application/json']?.examples ?? {})) documented.add(`${status} ${code}`);
    const used = new Set<string>();
    for (const text of Object.values(sources)) for (const m of text.matchAll(/(?:apiError|deny|refuse)\(c, (\d{3}), '(\w+)'/g)) used.add(`${m[1]} ${m[2]}`);
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((x) => !documented.has(x))).toEqual([]);
  });

  it('should give every error code a message in both languages', () => {
    for (const lang of ['es', 'en'] as const) {
      const t = translator(lang);
      for (const code of ERROR_CODES) expect(t(`errors.${code}`), `${lang} ${code}`).not.toBe(`errors.${code}`);
    }
  });

  it("should match the real answers of a report's life", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    r.facilityRecipients.parse(await (await SELF.fetch(`https://buzon.test/api/facilities/${f.id}/recipients`)).json());
    r.powChallenge.parse(await (await SELF.fetch(`https://buzon.test/api/challenge?facility=${f.id}`)).json());
    const { code, body } = await buildSubmission(s, f);
    const first = await post(body);
    expect(first.status).toBe(201);
    expect(r.reportAccepted.parse(await first.json()).duplicate).toBe(false);
    const retry = await post(body);
    expect(retry.status).toBe(200);
    expect(r.reportAccepted.parse(await retry.json()).duplicate).toBe(true);
    const bad = await post({ ...body, sendTo: 'nobody' }, 'en');
    expect(bad.status).toBe(400);
    expect(r.apiErrorBody.parse(await bad.json()).error).toMatchObject({ code: 'invalid', fields: ['sendTo'] });

    r.mailboxChallenge.parse(await (await SELF.fetch('https://buzon.test/api/mailbox/challenge')).json());
    await releaseNow();
    const thread = await SELF.fetch('https://buzon.test/api/mailbox/thread', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await mailboxProof(s, code, 'thread')) });
    expect(thread.status).toBe(200);
    expect(r.mailboxThread.parse(await thread.json()).case.sendTo).toBe(body.sendTo);
    const wrong = await SELF.fetch('https://buzon.test/api/mailbox/thread', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await mailboxProof(s, code, 'erase')) });
    expect(wrong.status).toBe(404);
    expect(r.apiErrorBody.parse(await wrong.json()).error.code).toBe('case_not_found');
  });
});
