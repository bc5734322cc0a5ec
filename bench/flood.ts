/**
 * @module The flood curve on wrangler dev: how the work a report costs (in hashes) grows with a
 * plant's released volume. Junk reports go in through the real API; `release:now` stands for
 * the release hour passing between steps.
 */
import { checkWork, type Sodium } from '../src/crypto';
import { releaseNow } from '../scripts/lib/dev-server';
import { buildSubmission, fetchRecipients, postSubmission } from './submission';

const STEPS = [0, 8, 16, 32, 64, 128, 256, 512, 1024, 2000];
const PROBES = 20;

/** Mean hashes to solve a fresh challenge for the demo plant, and the bits it asked for. */
async function price(s: Sodium, base: string): Promise<{ bits: number; hashes: number }> {
  let hashes = 0;
  let bits = 0;
  for (let i = 0; i < PROBES; i++) {
    const c = (await (await fetch(`${base}/api/challenge?facility=demo-silao`)).json()) as { challenge: string; bits: number };
    const reportId = s.to_hex(s.randombytes_buf(16));
    let counter = 0;
    while (!checkWork(s, c.challenge, reportId, counter, c.bits)) counter++;
    hashes += counter + 1;
    bits = c.bits;
  }
  return { bits, hashes: hashes / PROBES };
}

export async function floodCurve(s: Sodium, base: string, stateDir: string) {
  const recipients = await fetchRecipients(base);
  console.log(`\n## Flood curve on wrangler dev (demo plant, base POW_BITS of this server; ${PROBES} challenges per step)`);
  console.log('| released reports | bits | hashes per report (mean) | × quiet | junk stored/s |');
  console.log('|---|---|---|---|---|');
  let sent = 0;
  let quiet = 0;
  for (const target of STEPS) {
    const t0 = performance.now();
    const batch = target - sent;
    for (let i = 0; i < batch; i += 25) {
      const subs = await Promise.all(Array.from({ length: Math.min(25, batch - i) }, (_, k) => buildSubmission(s, base, recipients, `Basura ${sent + i + k}`)));
      const statuses = await Promise.all(subs.map((sub) => postSubmission(base, sub.json).then((r) => (r.arrayBuffer(), r.status))));
      if (statuses.some((x) => x !== 201)) throw new Error(`flood: ${statuses.filter((x) => x !== 201).length} junk reports not stored`);
    }
    const rate = batch ? (batch / (performance.now() - t0)) * 1000 : 0;
    sent = target;
    await releaseNow(stateDir);
    const p = await price(s, base);
    if (target === 0) quiet = p.hashes;
    console.log(`| ${target} | ${p.bits} | ${p.hashes.toFixed(0)} | ${(p.hashes / quiet).toFixed(1)} | ${rate ? rate.toFixed(0) : '–'} |`);
  }
}
