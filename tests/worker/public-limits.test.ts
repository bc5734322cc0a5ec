/**
 * Identity-free rate limits on the routes anyone can call: past a route's share of the minute the
 * answer is a translated 429, the key names the route (and the plant), never an address, and
 * nothing is stored. The suite's shared limiter is set high; here each call gets an exhausted one.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { checkWork } from '../../src/crypto';
import { buildSubmission, makeFacility, sodium, storedTrace } from './helpers';

const ORIGIN = 'https://buzon.test';

async function exhausted(path: string, init: RequestInit = {}, language = 'es') {
  const seen: unknown[] = [];
  const limiter = { limit: async (options: unknown) => (seen.push(options), { success: false }) };
  const ctx = createExecutionContext();
  const headers = { 'accept-language': language, 'cf-connecting-ip': '203.0.113.9', 'user-agent': 'flood/1.0', ...(init.headers as Record<string, string>) };
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }), { ...env, PUBLIC_LIMIT: limiter } as never, ctx);
  await waitOnExecutionContext(ctx);
  return { res, seen };
}

describe('public rate limits', () => {
  it('should answer 429, translated, keyed by route only (never a plant, an address or a browser), on every public route', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const cases: Array<[string, RequestInit, string]> = [
      [`/api/challenge?facility=${f.id}`, {}, 'challenge'],
      [`/api/facilities/${f.id}/recipients`, {}, 'recipients'],
      ['/api/mailbox/challenge', {}, 'mailbox:challenge'],
      ['/api/mailbox/thread', json({ mailboxId: 'a'.repeat(32), challenge: 'x', signature: 'A'.repeat(86) }), 'mailbox:thread'],
      ['/transparencia', {}, 'transparencia'],
    ];
    for (const [path, init, key] of cases) {
      const { res, seen } = await exhausted(path, init);
      expect(res.status, path).toBe(429);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: 'busy',
        message: 'Hay demasiadas solicitudes en este momento. Espera un minuto e intenta de nuevo. Lo que escribiste sigue aquí.',
      });
      expect(seen, path).toEqual([{ key }]);
    }
    const { res } = await exhausted('/api/mailbox/challenge', {}, 'en');
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('There are too many requests right now. Wait a minute and try again. What you wrote is still here.');
  });

  it('should limit only submissions without valid work: a paid report is stored whatever the limiter says, and never counted', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const send = (b: unknown) => exhausted('/api/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    // Junk (work that does not check) meets the limit before it costs a D1 read, and nothing is stored.
    let wrong = body.pow.counter + 1;
    while (checkWork(s, body.pow.challenge, body.reportId, wrong, 4)) wrong++;
    const junk = await send({ ...body, pow: { ...body.pow, counter: wrong } });
    expect(junk.res.status).toBe(429);
    expect(junk.seen).toEqual([{ key: 'report:unpaid' }]);
    expect(await storedTrace(body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
    // A paid report with the limiter exhausted: stored, and the limiter never asked (a prober learns nothing).
    const paid = await send(body);
    expect(paid.res.status).toBe(201);
    expect(paid.seen).toEqual([]);
    expect((await storedTrace(body.reportId)).reports).toBe(1);
  });
});
