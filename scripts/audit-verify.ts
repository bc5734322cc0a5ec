/**
 * Verifies the audit log's hash chain and names the first broken link.
 *
 *   npm run audit:verify [-- --persist-to DIR | --remote]
 */
import { verifyAuditChain } from '../src/storage/audit';
import { openTarget } from './lib/d1-target';
import { option } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';

const s = await loadNodeSodium();
const target = await openTarget({ remote: process.argv.includes('--remote'), persistTo: option('persist-to') });
try {
  // verifyAuditChain needs only prepare(sql).all(); this adapter serves it from either target.
  const db = { prepare: (sql: string) => ({ all: async () => ({ results: await target.query(sql) }) }) } as unknown as D1Database;
  const result = await verifyAuditChain(db, s);
  if (result.ok) console.log(`audit log intact: ${result.entries} entries`);
  else {
    console.error(`audit log BROKEN at entry ${result.brokenAt} of ${result.entries}: ${result.reason}`);
    process.exitCode = 1;
  }
} finally {
  await target.close();
}
