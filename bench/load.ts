/**
 * @module Mixed load on wrangler dev: workers submitting, mail arriving, and monitors working the
 * console (sign in, list, open, triage, reply) all at once for a while (LOAD_SECONDS, default 120).
 * Prints throughput and p50/p95 per action, then checks nothing was lost or stored twice, no
 * answer was a 5xx, and the audit chain holds.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { deriveRecipientKeys, fromB64, sealEnvelope, signinMessage, signProof, toB64, utf8, type Sodium } from '../src/crypto';
import { QUIET_WRANGLER, releaseNow } from '../scripts/lib/dev-server';
import { openLocalPlatform } from '../scripts/lib/local-platform';
import { buildSubmission, fetchRecipients, postSubmission } from './submission';

const run = promisify(execFile);
type Sample = { action: string; ms: number; status: number };

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;

export async function mixedLoad(s: Sodium, base: string, stateDir: string, seconds = Number(process.env.LOAD_SECONDS) || 120) {
  const samples: Sample[] = [];
  const until = Date.now() + seconds * 1000;
  /** Runs one request, reads its answer, records its time and status. */
  const timed = async (action: string, f: () => Promise<Response>): Promise<{ status: number; ok: boolean; json: () => any } | null> => {
    const t0 = performance.now();
    const res = await f().catch(() => null);
    const text = res ? await res.text().catch(() => '') : '';
    samples.push({ action, ms: performance.now() - t0, status: res?.status ?? 0 });
    return res ? { status: res.status, ok: res.ok, json: () => JSON.parse(text) } : null;
  };
  const recipients = await fetchRecipients(base);
  const stored = new Set<string>();
  const mails: string[] = [];
  // Cases for the monitors to work: 60 reports, released before the load starts (release:now is a
  // second process on the server's SQLite file, so it is not run while the server is under load).
  for (let i = 0; i < 60; i += 20) {
    const subs = await Promise.all(Array.from({ length: 20 }, (_, k) => buildSubmission(s, base, recipients, `Previo ${i + k}`)));
    for (const r of await Promise.all(subs.map((sub) => postSubmission(base, sub.json).then((res) => (res.arrayBuffer(), res.status === 201 ? sub.id : null))))) if (r) stored.add(r);
  }
  await releaseNow(stateDir);
  // Throughput, not the daily mail cap (tested in tests/worker/email-limits.test.ts): past the cap
  // mail is deferred on purpose, which wrangler dev answers as a 500.
  const setup = await openLocalPlatform(stateDir);
  try {
    await setup.env.DB.prepare("UPDATE facilities SET mail_daily_cap = 1000000 WHERE id = 'demo-silao'").run();
  } finally {
    await setup.dispose();
  }

  const submitter = async () => {
    while (Date.now() < until) {
      const sub = await buildSubmission(s, base, recipients, `Carga ${Math.random()}`);
      const res = await timed('submit', () => postSubmission(base, sub.json));
      if (res?.status === 201) stored.add(sub.id);
    }
  };
  const mailer = async () => {
    for (let i = 0; Date.now() < until; i++) {
      const id = `<carga-${Date.now()}-${i}@correo.example.net>`;
      const raw = `From: <obrera${i}@correo.example.net>\r\nTo: demo@buzon.example.org\r\nMessage-ID: ${id}\r\nSubject: Carga ${i}\r\n\r\nNos amenazaron, carta ${i}.\r\n`;
      const res = await timed('mail', () => fetch(`${base}/cdn-cgi/handler/email?from=obrera${i}%40correo.example.net&to=demo%40buzon.example.org`, { method: 'POST', body: raw }));
      if (res && res.status < 300) mails.push(id);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const [passphrase, salt, ops, mem, keyId] = readFileSync(`${stateDir}/.demo-monitor.txt`, 'utf8').trim().split(/\s+/);
  const keys = deriveRecipientKeys(s, passphrase!, { salt: fromB64(s, salt!), opsLimit: Number(ops), memLimit: Number(mem) });
  const monitor = async () => {
    const json = (body: unknown, token?: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const { challenge } = (await (await fetch(`${base}/console/api/signin/challenge`, json({ keyId }))).json()) as { challenge: string };
    const signature = toB64(s, signProof(s, signinMessage(base, challenge), keys.sign.privateKey));
    const signin = await timed('sign in', () => fetch(`${base}/console/api/signin`, json({ keyId, challenge, signature })));
    const { token } = (signin?.ok ? signin.json() : {}) as { token?: string };
    if (!token) return;
    const auth = { headers: { authorization: `Bearer ${token}` } };
    while (Date.now() < until) {
      const list = await timed('list', () => fetch(`${base}/console/api/cases?limit=50`, auth));
      const cases = list?.ok ? (list.json() as { cases: Array<{ id: string; facilityId: string }> }).cases : [];
      if (!cases.length) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      const c = cases[Math.floor(Math.random() * cases.length)]!;
      const open = await timed('open', () => fetch(`${base}/console/api/cases/${c.id}`, auth));
      const detail = open?.ok ? (open.json() as { sealTo: { reply: Array<{ keyId: string; boxPk: string }> } }) : null;
      await timed('triage', () => fetch(`${base}/console/api/cases/${c.id}/triage`, json({ severity: ['low', 'medium', 'high'][Math.floor(Math.random() * 3)] }, token)));
      if (detail) {
        const id = s.to_hex(s.randombytes_buf(16));
        const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'Recibimos tu reporte.' })), { kind: 'message', reportId: c.id, messageId: id, facilityId: c.facilityId }, detail.sealTo.reply.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })));
        await timed('reply', () => fetch(`${base}/console/api/cases/${c.id}/messages`, json({ id, kind: 'reply', envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } }, token)));
      }
    }
  };

  await Promise.all([submitter(), submitter(), submitter(), mailer(), monitor(), monitor()]);

  console.log(`\n## Mixed load on wrangler dev (${seconds} s: 3 submitters, 1 mailer, 2 monitors)`);
  console.log('| action | count | per second | p50 ms | p95 ms | statuses |');
  console.log('|---|---|---|---|---|---|');
  for (const action of ['submit', 'mail', 'sign in', 'list', 'open', 'triage', 'reply']) {
    const xs = samples.filter((x) => x.action === action);
    const statuses = xs.reduce<Record<number, number>>((m, x) => ((m[x.status] = (m[x.status] ?? 0) + 1), m), {});
    console.log(`| ${action} | ${xs.length} | ${(xs.length / seconds).toFixed(1)} | ${percentile(xs.map((x) => x.ms), 50).toFixed(0)} | ${percentile(xs.map((x) => x.ms), 95).toFixed(0)} | ${JSON.stringify(statuses)} |`);
  }
  const platform = await openLocalPlatform(stateDir);
  let lost = 0;
  let duplicated = 0;
  try {
    // One query for all: a proxy round trip per report would take longer than the load itself.
    const web = new Set(((await platform.env.DB.prepare("SELECT id FROM reports WHERE channel = 'web'").all<{ id: string }>()).results).map((r) => r.id));
    for (const id of stored) if (!web.has(id)) lost++;
    duplicated += Math.max(0, web.size - stored.size); // every web report of this server came from this run
    const mailRows = (await platform.env.DB.prepare("SELECT count(*) AS n FROM reports WHERE channel = 'email'").first<{ n: number }>())!.n;
    if (mailRows < mails.length) lost += mails.length - mailRows;
    if (mailRows > mails.length) duplicated += mailRows - mails.length;
  } finally {
    await platform.dispose();
  }
  const fivexx = samples.filter((x) => x.status >= 500 || x.status === 0).length;
  const { stdout } = await run('npx', ['tsx', 'scripts/audit-verify.ts', '--persist-to', stateDir], { env: { ...process.env, ...QUIET_WRANGLER } }).catch((e) => ({ stdout: String(e.stdout ?? e) }));
  console.log(`reports accepted: ${stored.size} web, ${mails.length} mail; lost: ${lost}; duplicated: ${duplicated}; 5xx or no answer: ${fivexx}; ${stdout.trim()}`);
}
