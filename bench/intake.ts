/**
 * @module Intake throughput against a trivial route of the same Worker, and 200 concurrent
 * submissions that must all be stored once and decrypt.
 */
import { readFileSync } from 'node:fs';
import { deriveRecipientKeys, fromB64, fromUtf8, openEnvelope, type Sodium } from '../src/crypto';
import { openLocalPlatform } from '../scripts/lib/local-platform';
import { getSealed } from '../src/storage/blobs';
import { buildSubmission, fetchRecipients, postSubmission } from './submission';

async function timed(concurrency: number, jobs: Array<() => Promise<Response>>): Promise<{ perSecond: number; statuses: number[] }> {
  const statuses: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const res = await jobs[next++]!();
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    }),
  );
  return { perSecond: (jobs.length / (performance.now() - t0)) * 1000, statuses };
}

/**
 * Submissions per second against /healthz on the same server, measured in alternating rounds so
 * that the shared machine's drift hits both alike; prints each round and the median ratio.
 */
export async function intakeThroughput(s: Sodium, base: string, count = 300, concurrency = 8, rounds = 3) {
  const recipients = await fetchRecipients(base);
  const subs = [];
  for (let i = 0; i < count; i++) subs.push(await buildSubmission(s, base, recipients, `Reporte de prueba ${i}`));
  const per = Math.floor(count / rounds);
  const ratios: number[] = [];
  let stored = 0;
  console.log(`\n## Intake throughput on wrangler dev (${count} submissions, ${concurrency} at a time, ${rounds} rounds)`);
  for (let r = 0; r < rounds; r++) {
    const trivial = await timed(concurrency, Array.from({ length: per }, () => () => fetch(`${base}/healthz`)));
    const intake = await timed(concurrency, subs.slice(r * per, (r + 1) * per).map((sub) => () => postSubmission(base, sub.json)));
    stored += intake.statuses.filter((x) => x === 201).length;
    ratios.push(intake.perSecond / trivial.perSecond);
    console.log(`round ${r + 1}: /healthz ${trivial.perSecond.toFixed(0)} req/s, submissions ${intake.perSecond.toFixed(0)} req/s, ratio ${ratios[r]!.toFixed(2)}`);
  }
  const median = [...ratios].sort((x, y) => x - y)[Math.floor(rounds / 2)]!;
  console.log(`stored: ${stored}/${per * rounds}; median ratio: ${median.toFixed(2)} (target ≥ 0.4)`);
}

export async function concurrentSubmissions(s: Sodium, base: string, stateDir: string, count = 200) {
  const recipients = await fetchRecipients(base);
  const subs = [];
  for (let i = 0; i < count; i++) subs.push(await buildSubmission(s, base, recipients, `Concurrente ${i}`));
  const t0 = performance.now();
  const responses = await Promise.all(subs.map((sub) => postSubmission(base, sub.json).then(async (r) => (await r.arrayBuffer(), r.status)).catch(() => 0)));
  const ms = performance.now() - t0;
  const [passphrase, salt, ops, mem] = readFileSync(`${stateDir}/.demo-monitor.txt`, 'utf8').trim().split(/\s+/);
  const keys = deriveRecipientKeys(s, passphrase!, { salt: fromB64(s, salt!), opsLimit: Number(ops), memLimit: Number(mem) });
  const platform = await openLocalPlatform(stateDir);
  let stored = 0;
  let opened = 0;
  try {
    for (const sub of subs) {
      const rows = await platform.env.DB.prepare('SELECT count(*) AS n FROM reports WHERE id = ?1').bind(sub.id).first<{ n: number }>();
      if (rows?.n === 1) stored++;
      const sealed = await platform.env.DB.prepare(
        'SELECT w.sealed, r.body_key AS bodyKey FROM wrapped_keys w JOIN reports r ON r.id = w.report_id WHERE w.report_id = ?1 AND w.key_id = ?2',
      )
        .bind(sub.id, keys.keyId)
        .first<{ sealed: string; bodyKey: string }>();
      const body = sealed ? await getSealed(s, platform.env.DB, platform.env.BLOBS, sealed.bodyKey) : null;
      if (!sealed || !body) continue;
      const plain = openEnvelope(s, body, fromB64(s, sealed.sealed), keys.box, { kind: 'report', reportId: sub.id, messageId: sub.id, facilityId: 'demo-silao' });
      if (JSON.parse(fromUtf8(plain)).description === `Concurrente ${subs.indexOf(sub)}`) opened++;
    }
  } finally {
    await platform.dispose();
  }
  console.log(`\n## ${count} concurrent submissions`);
  console.log(`answered in ${ms.toFixed(0)} ms; statuses: ${JSON.stringify(countBy(responses))}`);
  console.log(`stored exactly once: ${stored}/${count}; decrypted by the demo monitor: ${opened}/${count}; lost: ${count - opened} (target 0)`);
}

const countBy = (xs: number[]) => xs.reduce<Record<number, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
