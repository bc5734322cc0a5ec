import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromB64, toB64, utf8 } from '../../src/crypto';
import { CHALLENGE_LIFETIME_SECONDS, issueChallenge } from '../../src/crypto/challenge';
import { buildSubmission, makeFacility, post, sampleReport, sodium, storedTrace, type TestFacility } from './helpers';

type Body = Record<string, any>;
type Case = { name: string; status: number; code: string; prepare: (b: Body, f: TestFacility) => Promise<Body | string> | Body | string };

const SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

const cases: Case[] = [
  { name: 'malformed JSON', status: 400, code: 'malformed', prepare: (b) => JSON.stringify(b).slice(0, -5) },
  { name: 'a wrong type', status: 400, code: 'invalid', prepare: (b) => ({ ...b, categories: 'intimidation' }) },
  { name: 'an unknown field', status: 400, code: 'invalid', prepare: (b) => ({ ...b, name: 'Juan' }) },
  { name: 'an unknown field inside the envelope', status: 400, code: 'invalid', prepare: (b) => ({ ...b, envelope: { ...b.envelope, plaintext: 'x' } }) },
  { name: 'an unknown category', status: 400, code: 'invalid', prepare: (b) => ({ ...b, categories: ['gossip'] }) },
  { name: 'a repeated category', status: 400, code: 'invalid', prepare: (b) => ({ ...b, categories: ['other', 'other'] }) },
  { name: 'no category', status: 400, code: 'invalid', prepare: (b) => ({ ...b, categories: [] }) },
  { name: 'an oversized field', status: 400, code: 'invalid', prepare: (b) => ({ ...b, envelope: { ...b.envelope, body: 'A'.repeat(90_000) } }) },
  { name: 'an oversized body', status: 413, code: 'too_large', prepare: (b) => JSON.stringify({ ...b, padding: 'x'.repeat(200_000) }) },
  { name: 'a report id that is not 16 bytes of hex', status: 400, code: 'invalid', prepare: (b) => ({ ...b, reportId: 'abc' }) },
  { name: 'an unknown facility', status: 422, code: 'unknown_facility', prepare: (b) => ({ ...b, facility: 'no-such-plant' }) },
  { name: 'a missing proof of work', status: 403, code: 'pow_missing', prepare: ({ pow: _pow, ...b }) => b },
  { name: 'a wrong proof of work', status: 403, code: 'pow_invalid', prepare: async (b) => ({ ...b, pow: { ...b.pow, counter: await wrongCounter(b) } }) },
  { name: 'a forged challenge', status: 403, code: 'pow_invalid', prepare: (b) => ({ ...b, pow: { ...b.pow, challenge: b.pow.challenge.replace(/\.[^.]+$/, '.AAAA') } }) },
  { name: 'a challenge with a changed difficulty', status: 403, code: 'pow_invalid', prepare: (b) => ({ ...b, pow: { ...b.pow, challenge: b.pow.challenge.replace(/\.4\./, '.0.') } }) },
  { name: 'an expired proof of work', status: 403, code: 'pow_expired', prepare: async (b) => solved(b, issueChallenge(await sodium(), SECRET, 4, Math.floor(Date.now() / 1000) - CHALLENGE_LIFETIME_SECONDS - 5, { purpose: 'report', facility: b.facility })) },
  { name: 'a missing sealed key', status: 422, code: 'bad_envelope', prepare: (b) => ({ ...b, envelope: { ...b.envelope, keys: b.envelope.keys.slice(1) } }) },
  { name: 'a sealed key for a stranger', status: 422, code: 'bad_envelope', prepare: (b) => ({ ...b, envelope: { ...b.envelope, keys: [...b.envelope.keys, { keyId: 'ffffffffffffffff', sealed: b.envelope.keys[0].sealed }] } }) },
  { name: 'the same key twice', status: 422, code: 'bad_envelope', prepare: (b) => ({ ...b, envelope: { ...b.envelope, keys: [b.envelope.keys[0], b.envelope.keys[0]] } }) },
  { name: 'a sealed key of the wrong size', status: 400, code: 'invalid', prepare: (b) => ({ ...b, envelope: { ...b.envelope, keys: [{ ...b.envelope.keys[0], sealed: 'AAAA' }, b.envelope.keys[1]] } }) },
  { name: 'a body of a size the envelope never makes', status: 422, code: 'bad_envelope', prepare: async (b) => ({ ...b, envelope: { ...b.envelope, body: toB64(await sodium(), fromB64(await sodium(), b.envelope.body).subarray(1)) } }) },
  { name: 'a mailbox key of the wrong size', status: 400, code: 'invalid', prepare: (b) => ({ ...b, mailbox: { ...b.mailbox, boxPk: 'AAAA' } }) },
];

async function wrongCounter(b: Body): Promise<number> {
  const s = await sodium();
  for (let c = 0; ; c++) {
    const h = s.crypto_generichash(32, utf8(`${b.pow.challenge}:${b.reportId}:${c}`), null);
    if (h[0]! >= 16) return c; // at least one of the top 4 bits set: fails 4-bit work
  }
}

async function solved(b: Body, challenge: string): Promise<Body> {
  const s = await sodium();
  let counter = 0;
  while (s.crypto_generichash(32, utf8(`${challenge}:${b.reportId}:${counter}`), null)[0]! >= 16) counter++;
  return { ...b, pow: { challenge, counter } };
}

describe('bad input', () => {
  for (const c of cases) {
    it(`should answer ${c.name} with a translated ${c.status} and store nothing`, async () => {
      const s = await sodium();
      const f = await makeFacility(s);
      const { body } = await buildSubmission(s, f);
      const prepared = await c.prepare(body, f);
      const raw = typeof prepared === 'string' ? prepared : undefined;
      const es = await post(prepared, 'es', raw);
      expect(es.status).toBe(c.status);
      const esJson = (await es.json()) as { error: { code: string; message: string } };
      expect(esJson.error.code).toBe(c.code);
      const en = await post(prepared, 'en', raw);
      const enJson = (await en.json()) as { error: { code: string; message: string } };
      expect(enJson.error.code).toBe(c.code);
      expect(esJson.error.message).not.toBe(enJson.error.message);
      expect(esJson.error.message.length).toBeGreaterThan(10);
      expect(await storedTrace(body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
    });
  }

  it('should refuse a proof of work used by another report, and store nothing for it', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const first = await buildSubmission(s, f);
    expect((await post(first.body)).status).toBe(201);
    const second = await buildSubmission(s, f);
    const replay = await solved(second.body, first.body.pow.challenge);
    const res = await post(replay);
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).error.code).toBe('pow_replayed');
    expect(await storedTrace(second.body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
  });

  it('should refuse a report for the authority when the facility has no official', async () => {
    const s = await sodium();
    const f = await makeFacility(s, { official: false });
    const { body } = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    const res = await post({ ...body, sendTo: 'authority' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.code).toBe('no_recipients');
    expect(await storedTrace(body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
  });

  it('should answer any JSON whatsoever with a 4xx, never a 5xx', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ ...Object.fromEntries(Object.keys(body).map((k) => [k, fc.jsonValue()])) }, { requiredKeys: [] }),
          fc.constantFrom(...Object.keys(body)).chain((k) => fc.jsonValue().map((v) => ({ ...body, [k]: v }))),
        ),
        async (value) => {
          const res = await post(value);
          await res.arrayBuffer();
          return res.status >= 400 && res.status < 500;
        },
      ),
      { numRuns: 150 },
    );
    expect(await storedTrace(body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
  });
});
