/**
 * The authorization matrix: every reader role against every case endpoint, facility A against
 * facility B, and reports the worker did or did not send to the authority.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, sealEnvelope, toB64, utf8, type RecipientKeys, type Sodium } from '../../src/crypto';
import { buildSubmission, makeFacility, post, releaseNow, sampleReport, sodium, type TestFacility } from './helpers';
import { api, makeOfficial, signIn } from './console-helpers';

type Reader = 'monitorA' | 'monitorB' | 'officialA' | 'officialB' | 'officialNational';
type Case = 'A_monitorOnly' | 'A_both' | 'A_authorityOnly' | 'B_both';
type Action = 'list' | 'view' | 'bodies' | 'triage' | 'reply' | 'note';

let s: Sodium;
let A: TestFacility;
let B: TestFacility;
const readers = {} as Record<Reader, RecipientKeys>;
const tokens = {} as Record<Reader, string>;
const cases = {} as Record<Case, string>;

/** Who may do what: monitors act on their facility's cases; officials read, triage and write on cases sent to the authority in their jurisdiction. */
function allowed(reader: Reader, c: Case, _action: Action): boolean {
  const facility = c.startsWith('A') ? 'A' : 'B';
  const toAuthority = c !== 'A_monitorOnly';
  const toMonitor = c !== 'A_authorityOnly';
  switch (reader) {
    case 'monitorA':
    case 'monitorB':
      // A report sent only to the authority does not exist for the company's monitors.
      return reader.endsWith(facility) && toMonitor;
    case 'officialA':
      return facility === 'A' && toAuthority;
    case 'officialB':
      return facility === 'B' && toAuthority;
    case 'officialNational':
      return toAuthority;
  }
}

beforeAll(async () => {
  s = await sodium();
  A = await makeFacility(s);
  B = await makeFacility(s);
  readers.monitorA = A.monitor;
  readers.monitorB = B.monitor;
  readers.officialA = A.official;
  readers.officialB = B.official;
  readers.officialNational = await makeOfficial(s, null);
  for (const r of Object.keys(readers) as Reader[]) tokens[r] = await signIn(s, readers[r]);
  const submit = async (f: TestFacility, sendTo: 'monitor' | 'authority' | 'both') => {
    const { body } = await buildSubmission(s, f, sampleReport(f.id, sendTo));
    expect((await post(body)).status).toBe(201);
    return body.reportId as string;
  };
  cases.A_monitorOnly = await submit(A, 'monitor');
  cases.A_both = await submit(A, 'both');
  cases.A_authorityOnly = await submit(A, 'authority');
  cases.B_both = await submit(B, 'both');
  await releaseNow();
});

async function detailKeys(token: string, id: string) {
  const res = await api(`/console/api/cases/${id}`, { token });
  return res.status === 200 ? ((await res.json()) as { sealTo: Record<'reply' | 'note', Array<{ keyId: string; boxPk: string }>> }).sealTo : null;
}

/** Performs one action; returns the HTTP status. Messages are sealed as the console would, with keys from a reader allowed to see the case. */
async function perform(reader: Reader, c: Case, action: Action): Promise<number> {
  const id = cases[c];
  const token = tokens[reader];
  switch (action) {
    case 'list': {
      const res = await api('/console/api/cases?limit=200', { token });
      const ids = ((await res.json()) as { cases: Array<{ id: string }> }).cases.map((x) => x.id);
      return ids.includes(id) ? 200 : 403;
    }
    case 'view':
      return (await api(`/console/api/cases/${id}`, { token })).status;
    case 'bodies':
      return (await api('/console/api/bodies', { token, body: { ids: [id] } })).status;
    case 'triage':
      return (await api(`/console/api/cases/${id}/triage`, { token, body: { severity: 'high' } })).status;
    case 'reply':
    case 'note': {
      // Seal to the right keys, so only authorization (not a bad envelope) can refuse it.
      const owner = c.startsWith('A') ? (c === 'A_authorityOnly' ? tokens.officialA : tokens.monitorA) : tokens.monitorB;
      const ownerRole = c === 'A_authorityOnly' ? 'official' : 'monitor';
      const role = reader.startsWith('monitor') ? 'monitor' : 'official';
      const sealTo = (await detailKeys(role === ownerRole ? owner : tokens[reader], id)) ?? (await detailKeys(owner, id))!;
      const targets = action === 'reply' ? sealTo.reply : sealTo.note;
      const messageId = s.to_hex(s.randombytes_buf(16));
      const facilityId = c.startsWith('A') ? A.id : B.id;
      const envelope = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'hola' })), { kind: 'message', reportId: id, messageId, facilityId }, targets.map((t) => ({ keyId: t.keyId, boxPublicKey: fromB64(s, t.boxPk) })));
      const res = await api(`/console/api/cases/${id}/messages`, {
        token,
        body: { id: messageId, kind: action, envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } },
      });
      return res.status === 422 ? 422 : res.status;
    }
  }
}

describe('authorization matrix', () => {
  const allReaders: Reader[] = ['monitorA', 'monitorB', 'officialA', 'officialB', 'officialNational'];
  const allCases: Case[] = ['A_monitorOnly', 'A_both', 'A_authorityOnly', 'B_both'];
  const actions: Action[] = ['list', 'view', 'bodies', 'triage', 'reply', 'note'];
  for (const reader of allReaders) {
    for (const c of allCases) {
      it(`should let ${reader} ${actions.filter((a) => allowed(reader, c, a)).join('/') || 'do nothing'} on ${c}`, async () => {
        for (const action of actions) {
          const status = await perform(reader, c, action);
          const expectOk = allowed(reader, c, action);
          if (expectOk) expect([200, 201], `${reader} ${action} ${c}`).toContain(status);
          else expect([403, 404, 422], `${reader} ${action} ${c}`).toContain(status);
        }
      });
    }
  }

  it('should log every refusal without any personal data', async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied'").first<{ n: number }>())!.n;
    expect((await api(`/console/api/cases/${cases.B_both}`, { token: tokens.monitorA })).status).toBe(404);
    const row = await env.DB.prepare("SELECT * FROM audit_log WHERE outcome = 'denied' ORDER BY seq DESC LIMIT 1").first<Record<string, unknown>>();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied'").first<{ n: number }>())!.n).toBe(before + 1);
    expect(row).toMatchObject({ actor: A.monitor.keyId, role: 'monitor', action: 'view', report_id: cases.B_both, outcome: 'denied', detail: 'not_found' });
    expect(Object.keys(row!).sort()).toEqual(['action', 'actor', 'day', 'detail', 'hash', 'outcome', 'prev_hash', 'report_id', 'role', 'seq']);
    expect(String(row!.day)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('should answer the company monitor about a case sent only to the authority exactly as about one that never existed', async () => {
    const never = s.to_hex(s.randombytes_buf(16));
    const answer = async (path: string) => {
      const res = await api(path, { token: tokens.monitorA });
      return { status: res.status, body: await res.text() };
    };
    for (const suffix of ['', `/attachments/${never}/chunks/0`]) {
      const hidden = await answer(`/console/api/cases/${cases.A_authorityOnly}${suffix}`);
      expect(hidden.status).toBe(404);
      expect(hidden).toEqual(await answer(`/console/api/cases/${never}${suffix}`));
    }
  });

  it('should not even list, for the company monitor, a case sent only to the authority', async () => {
    const res = await api(`/console/api/cases?limit=200`, { token: tokens.monitorA });
    const list = ((await res.json()) as { cases: Array<{ id: string; sealed: string | null }> }).cases;
    expect(list.map((c) => c.id)).not.toContain(cases.A_authorityOnly);
    expect(list.find((c) => c.id === cases.A_both)?.sealed).not.toBeNull();
  });
});
