/**
 * Decrypts the stored reports a monitor or official can read, from local D1 and KV. Proves the
 * round trip until the monitor console exists. Prints one JSON object per report.
 *
 *   tsx scripts/decrypt-reports.ts --passphrase-file .demo-monitor.txt [--persist-to DIR] [--report ID]
 *   (or the passphrase in BUZON_PASSPHRASE)
 */
import { readFileSync } from 'node:fs';
import { deriveRecipientKeys, fromB64, fromUtf8, openReport, type RecipientKeys } from '../src/crypto';
import { getSealed } from '../src/storage/blobs';
import { openLocalPlatform, option } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';

if (process.argv.includes('--help')) {
  console.log(`Decrypts the reports a reader can open, from local D1 and KV; one JSON object per report.

  npm run decrypt -- --passphrase-file FILE [--persist-to DIR] [--report ID]
  (or the passphrase in BUZON_PASSPHRASE; DIR is a wrangler state other than .wrangler/state)`);
  process.exit(0);
}
const s = await loadNodeSodium();
const file = option('passphrase-file');
const passphrase = (file ? readFileSync(file, 'utf8').split('\n')[0] : process.env.BUZON_PASSPHRASE)?.trim();
if (!passphrase) {
  console.error('Give --passphrase-file FILE or set BUZON_PASSPHRASE.');
  process.exit(2);
}
const onlyReport = option('report');
const platform = await openLocalPlatform(option('persist-to'));
const { DB, BLOBS } = platform.env;

try {
  const keys = await findKeys(passphrase);
  if (!keys) {
    console.error('No registered recipient matches this passphrase.');
    process.exit(1);
  }
  const { results } = await DB.prepare(
    `SELECT r.id, r.facility_id AS facilityId, r.received_day AS receivedDay, r.channel, r.body_key AS bodyKey, w.sealed
       FROM reports r JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id
      WHERE w.key_id = ?1 AND (?2 IS NULL OR r.id = ?2)
      ORDER BY r.received_day DESC, r.id`,
  )
    .bind(keys.keyId, onlyReport ?? null)
    .all<{ id: string; facilityId: string; receivedDay: string; channel: string; bodyKey: string; sealed: string }>();
  let failures = 0;
  for (const row of results) {
    const body = await getSealed(s, DB, BLOBS, row.bodyKey);
    try {
      if (!body) throw new Error('body missing');
      const { plain } = openReport(s, body, fromB64(s, row.sealed), keys.box, { reportId: row.id, facilityId: row.facilityId });
      console.log(JSON.stringify({ id: row.id, facility: row.facilityId, receivedDay: row.receivedDay, channel: row.channel, report: JSON.parse(fromUtf8(plain)) }));
    } catch (error) {
      failures++;
      console.error(`report ${row.id}: cannot open (${(error as Error).message})`);
    }
  }
  console.error(`${results.length - failures} of ${results.length} reports opened with key ${keys.keyId}`);
  process.exitCode = failures ? 1 : 0;
} finally {
  await platform.dispose();
}

/** Tries the passphrase against each registered recipient's KDF salt. */
async function findKeys(pass: string): Promise<RecipientKeys | null> {
  const { results } = await DB.prepare('SELECT key_id AS keyId, kdf_salt AS salt, kdf_ops AS ops, kdf_mem AS mem FROM recipients').all<{
    keyId: string;
    salt: string;
    ops: number;
    mem: number;
  }>();
  for (const r of results) {
    const keys = deriveRecipientKeys(s, pass, { salt: fromB64(s, r.salt), opsLimit: r.ops, memLimit: r.mem });
    if (keys.keyId === r.keyId) return keys;
  }
  return null;
}
