/**
 * What an erased case leaves in the bytes on disk: a real `wrangler dev` (workerd, local D1 and KV)
 * with its own state directory takes two reports over HTTP; one is erased by the worker with the
 * receipt code, the other by the daily job's erasing step. Then, with the database holder's powers
 * (every file under the state directory, SQLite free pages included), nothing is left of either
 * case's sealed body, the readers' sealed keys or the mailbox keys once SQLite has checkpointed its
 * WAL; before that, the old pages are still in the database file and the WAL (docs/privacy.md).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWork, deriveMailbox, fromB64, mailboxMessage, newReceiptCode, sealEnvelope, signProof, toB64, utf8, type Sodium } from '../../src/crypto';
import { retentionPolicy } from '../../src/domain/retention';
import { mexicoDay } from '../../src/lib/clock';
import { eraseDueCases, purgeErasedBlobs } from '../../src/storage/retention';
import { prepareState, releaseNow, startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { stateFiles } from './state-files';

type Keyed = { keyId: string; boxPk: string };
const run = promisify(execFile);

let server: DevServer;
let s: Sodium;
beforeAll(async () => {
  s = await loadNodeSodium();
  server = await startDevServer({ stateDir: await prepareState() });
}, 600_000); // a second wrangler dev beside the suite's, on a shared machine
afterAll(async () => server?.stop());

/** Files one report as the phone does; returns what a database holder would look for. */
async function fileReport(text: string) {
  const base = server.url;
  const recipients = (await (await fetch(`${base}/api/facilities/demo-silao/recipients`)).json()) as { monitor: Keyed[]; official: Keyed[] };
  const reportId = s.to_hex(s.randombytes_buf(16));
  const code = newReceiptCode(s);
  const mailbox = deriveMailbox(s, code);
  const report = {
    v: 1,
    channel: 'web',
    lang: 'es',
    facility: 'demo-silao',
    categories: ['intimidation'],
    when: 'this_week',
    description: text,
    sendTo: 'both',
  };
  const envelope = sealEnvelope(
    s,
    utf8(JSON.stringify(report)),
    { kind: 'report', reportId, messageId: reportId, facilityId: 'demo-silao' },
    [...recipients.monitor, ...recipients.official].map((r) => ({ keyId: r.keyId, boxPublicKey: fromB64(s, r.boxPk) })),
  );
  const { challenge, bits } = (await (await fetch(`${base}/api/challenge?facility=demo-silao`)).json()) as { challenge: string; bits: number };
  let counter = 0;
  while (!checkWork(s, challenge, reportId, counter, bits)) counter++;
  const sealed = envelope.keys.map((k) => toB64(s, k.sealed));
  const body = toB64(s, envelope.body);
  const submission = {
    v: 1,
    reportId,
    facility: 'demo-silao',
    categories: report.categories,
    sendTo: 'both',
    mailbox: { id: mailbox.mailboxId, boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) },
    envelope: { body, keys: envelope.keys.map((k, i) => ({ keyId: k.keyId, sealed: sealed[i] })) },
    pow: { challenge, counter },
  };
  const res = await fetch(`${base}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(submission) });
  expect(res.status).toBe(201);
  // Pieces of the sealed body every 200 characters (a remnant of any page of it counts), each sealed key and the mailbox keys.
  // Not the ids: they open nothing, and index pages may keep them in their free space (docs/privacy.md).
  const bodyPieces = Array.from({ length: Math.floor((body.length - 32) / 200) + 1 }, (_, i) => body.slice(i * 200, i * 200 + 32));
  return { reportId, code, needles: { body: bodyPieces, sealed, mailboxKeys: [submission.mailbox.boxPk, submission.mailbox.signPk] } };
}

/**
 * Checkpoints every SQLite file of the stopped server with the system's SQLite (as SQLite itself does
 * every 1,000 pages, and on a clean close), so the scan sees the database file as it settles.
 */
async function checkpoint() {
  const files = (await stateFiles(server.stateDir)).map((f) => f.file).filter((f) => f.endsWith('.sqlite'));
  const py = 'import sqlite3, sys\nfor f in sys.argv[1:]:\n    c = sqlite3.connect(f); c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall(); c.close()';
  await run('python3', ['-c', py, ...files]);
}

/** Where, in any file of the state directory, each needle still shows (as the ASCII text D1 and KV keep). */
async function remnants(needles: Record<string, string[]>): Promise<string[]> {
  const files = await stateFiles(server.stateDir);
  const found: string[] = [];
  for (const [kind, list] of Object.entries(needles)) {
    for (const n of list) {
      for (const f of files) if (f.content.includes(Buffer.from(n, 'latin1'))) found.push(`${kind} in ${f.file.slice(server.stateDir.length)}`);
    }
  }
  return [...new Set(found)];
}

async function eraseWithCode(code: string) {
  const mailbox = deriveMailbox(s, code);
  const { challenge } = (await (await fetch(`${server.url}/api/mailbox/challenge`)).json()) as { challenge: string };
  const proof = {
    mailboxId: mailbox.mailboxId,
    challenge,
    signature: toB64(s, signProof(s, mailboxMessage(challenge, mailbox.mailboxId, 'erase'), mailbox.sign.privateKey)),
  };
  const res = await fetch(`${server.url}/api/mailbox/erase`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(proof) });
  expect(await res.json()).toMatchObject({ erased: true });
}

/** The daily job's erasing and purging steps (src/scheduled.ts), on the same local state. */
async function dailyErasure(markDue?: string) {
  const platform = await openLocalPlatform(server.stateDir);
  try {
    const db = platform.env.DB;
    // Due as a case closed past retention is: the worker asked, or its time came (the same rule, src/storage/retention.ts).
    if (markDue) await db.prepare('UPDATE reports SET erase_requested = 1 WHERE id = ?1').bind(markDue).run();
    await eraseDueCases(db, retentionPolicy({}), mexicoDay());
    await purgeErasedBlobs(db, platform.env.BLOBS);
  } finally {
    await platform.dispose();
  }
}

describe('erasure leaves nothing on disk', () => {
  it('should leave no byte of an erased case (its sealed body, sealed keys or mailbox keys) in the D1 and KV files once checkpointed, after the worker erases it and after the daily job does', async () => {
    const byWorker = await fileReport('Me amenazaron con despedirme si voto por el sindicato. '.repeat(40));
    const byJob = await fileReport('El supervisor dijo que cerrarán la línea si entra el sindicato. '.repeat(40));
    const kept = await fileReport('Nos quitaron las horas extra a los que fuimos a la asamblea. '.repeat(40));
    await releaseNow(server.stateDir);

    // The scan sees a live case: every kind of needle is on disk before erasure.
    const before = await remnants(byWorker.needles);
    for (const kind of ['body', 'sealed', 'mailboxKeys']) expect(before.some((p) => p.startsWith(kind))).toBe(true);

    await eraseWithCode(byWorker.code);
    // The worker's erase may hand the deletion to the next release step: run the steps that follow.
    await releaseNow(server.stateDir);
    await dailyErasure();
    await dailyErasure(byJob.reportId);
    // The server stops, as an operator's copy of the files would be taken; SQLite keeps its WAL as it is.
    await server.stop();

    // Until SQLite checkpoints, the overwriting frames wait in the WAL and the database file still holds
    // the old pages (and the WAL the frames that first wrote them): docs/privacy.md says so.
    await checkpoint();
    expect(await remnants(byWorker.needles)).toEqual([]);
    expect(await remnants(byJob.needles)).toEqual([]);
    // The control: a case nobody erased is still all there after the same checkpoint.
    expect((await remnants(kept.needles)).length).toBeGreaterThan(0);
  });
});
