/**
 * Verifies the audit log's hash chain and names the first broken link; with --head, also checks
 * that the chain still holds each head published for a day (the transparency page shows one a
 * day), and names the earliest day that differs: a chain rewritten consistently passes the first
 * check, never the second.
 *
 *   npm run audit:verify [-- --persist-to DIR | --remote] [--head <hash>@<YYYY-MM-DD> ...]
 */
import { checkPublishedHeads, verifyAuditChain } from '../src/storage/audit';
import { openTarget } from './lib/d1-target';
import { option } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';

const heads: Array<{ day: string; hash: string }> = [];
for (let i = 0; i < process.argv.length; i++) {
  if (process.argv[i] !== '--head') continue;
  const m = /^([0-9a-f]{64})@(\d{4}-\d{2}-\d{2})$/.exec(process.argv[i + 1] ?? '');
  if (!m) {
    console.error('--head takes <64 hex digits>@<YYYY-MM-DD>, as the transparency page shows it');
    process.exit(2);
  }
  heads.push({ hash: m[1]!, day: m[2]! });
}

const s = await loadNodeSodium();
const target = await openTarget({ remote: process.argv.includes('--remote'), persistTo: option('persist-to') });
try {
  // The checks need only prepare(sql).bind(...).first() / .all(); this adapter serves them from either target.
  const db = {
    prepare: (sql: string) => {
      const run = (params: Array<string | number | null>) => ({
        all: async () => ({ results: await target.query(sql, params) }),
        first: async () => (await target.query(sql, params))[0] ?? null,
      });
      return { ...run([]), bind: (...params: Array<string | number | null>) => run(params) };
    },
  } as unknown as D1Database;
  const result = await verifyAuditChain(db, s);
  if (result.ok) console.log(`audit log intact: ${result.entries} entries`);
  else {
    console.error(`audit log BROKEN at entry ${result.brokenAt} of ${result.entries}: ${result.reason}`);
    process.exitCode = 1;
  }
  if (heads.length) {
    const h = await checkPublishedHeads(db, heads);
    if (h.ok) console.log(`published heads held: ${h.checked}`);
    else {
      console.error(`audit log REWRITTEN: on ${h.day} the published head was ${h.published}, the chain now gives ${h.found}`);
      process.exitCode = 1;
    }
  }
} finally {
  await target.close();
}
