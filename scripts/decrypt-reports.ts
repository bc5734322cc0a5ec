/**
 * Decrypts the cases a monitor or official can read, from local (or another) D1 and KV, with the
 * reader's passphrase: readable text by default (one case after another, the thread included),
 * `--json` for machines (one JSON object per case), `--out DIR` to save the files as well.
 * `--recovery-file CARD` opens a plant's reports with its recovery key instead (src/crypto/recovery.ts).
 */
import { readFileSync } from 'node:fs';
import { deriveRecipientKeys, fromB64, type RecipientKeys } from '../src/crypto';
import { LANGUAGES, type Language } from '../src/domain/report';
import { translator } from '../src/i18n';
import { configuredAdminKey } from './lib/admin-key';
import { caseAsText, casesFor, openCaseInTerminal, saveCaseFiles } from './lib/case-export';
import { openLocalPlatform, option } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';
import { loadRecoveryKey } from './lib/recovery-card';

if (process.argv.includes('--help')) {
  console.log(`Decrypts the cases a reader can open, from local D1 and KV, with the reader's passphrase.

  npm run decrypt -- --passphrase-file FILE [--report ID] [--json] [--out DIR] [--lang es|en] [--persist-to DIR]

  --passphrase-file FILE  the reader's passphrase (or set BUZON_PASSPHRASE)
  --recovery-file CARD    instead, a plant's recovery key: the card npm run keys -- recovery printed
                          (or set BUZON_RECOVERY_CODE); it opens reports, not their threads
  --report ID             only this case
  --json                  one JSON object per case (report, thread), for other programs
  --out DIR               also save each case's files under DIR/<case id>/ (decrypted: keep them safe)
  --lang es|en            language of the text (default es)
  --persist-to DIR        a wrangler state other than .wrangler/state

Without --json it prints each case as text: the report, then every message of its thread with who
wrote it and whether its signature checked out against the administrator's signed list.`);
  process.exit(0);
}
const s = await loadNodeSodium();
const file = option('passphrase-file');
const byRecovery = !!(option('recovery-file') || process.env.BUZON_RECOVERY_CODE);
const passphrase = (file ? readFileSync(file, 'utf8').split('\n')[0] : process.env.BUZON_PASSPHRASE)?.trim();
if (!passphrase && !byRecovery) {
  console.error('Give --passphrase-file FILE or set BUZON_PASSPHRASE (or --recovery-file CARD for a recovery key).');
  process.exit(2);
}
const onlyReport = option('report');
const platform = await openLocalPlatform(option('persist-to'));
const { DB, BLOBS } = platform.env;

try {
  const keys = byRecovery ? loadRecoveryKey(s, option('recovery-file')) : await findKeys(passphrase!);
  if (!keys) {
    console.error('No registered recipient matches this passphrase.');
    process.exit(1);
  }
  const results = await casesFor(DB, keys.keyId, onlyReport);
  const admin = configuredAdminKey();
  const adminPublicKey = admin ? fromB64(s, admin) : null;
  const asJson = process.argv.includes('--json');
  const out = option('out');
  const language: Language = (LANGUAGES as readonly string[]).includes(option('lang') ?? '') ? (option('lang') as Language) : 'es';
  const t = translator(language);
  let failures = 0;
  for (const row of results) {
    try {
      const opened = await openCaseInTerminal(s, platform.env, keys, row, adminPublicKey);
      const files = out ? await saveCaseFiles(s, BLOBS, opened, out) : [];
      if (asJson) console.log(JSON.stringify({ ...opened, ...(out ? { files } : {}) }));
      else console.log(`${caseAsText(t, opened)}${files.length ? `\n\n${t('decrypt.saved', { count: files.length })}\n${files.join('\n')}` : ''}\n`);
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
