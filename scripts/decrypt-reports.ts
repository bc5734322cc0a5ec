/**
 * Decrypts the cases a monitor or official can read, from local (or another) D1 and KV, with the
 * reader's passphrase: readable text by default (one case after another, the thread included),
 * `--json` for machines (one JSON object per case), `--out DIR` to save the files as well.
 * `--recovery-file CARD` opens a plant's reports with its recovery key instead (src/crypto/recovery.ts).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { deriveRecipientKeys, fromB64, type RecipientKeys, type Sodium } from '../src/crypto';
import { LANGUAGES, type Language } from '../src/domain/report';
import { translator } from '../src/i18n';
import { configuredAdminKey } from './lib/admin-key';
import { caseAsText, casesFor, openCaseInTerminal, saveCaseFiles } from './lib/case-export';
import { fail, parseCommandLine, runMain, text } from './lib/cli';
import { openLocalPlatform } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';
import { loadRecoveryKey } from './lib/recovery-card';

const HELP = `Decrypts the cases a reader can open, from local D1 and KV, with the reader's passphrase.

  npm run decrypt -- --passphrase-file FILE [--report ID] [--json] [--out DIR] [--lang es|en] [--persist-to DIR]

  --passphrase-file FILE  the reader's passphrase (or set BUZON_PASSPHRASE)
  --recovery-file CARD    instead, a plant's recovery key: the card npm run keys -- recovery printed
                          (or set BUZON_RECOVERY_CODE); it opens reports, not their threads
  --report ID             only this case
  --json                  one JSON object per case (report, thread), for other programs
  --out DIR               also save each case's files under DIR/<case id>/ (decrypted: folders 0700,
                          files 0600, readable by you only; keep them safe)
  --lang es|en            language of the text (default es)
  --persist-to DIR        a wrangler state other than .wrangler/state (it must exist)
  --help                  this text

Without --json it prints each case as text: the report, then every message of its thread with who
wrote it and whether its signature checked out against the administrator's signed list.`;

await runMain('decrypt', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    {
      'passphrase-file': { type: 'string' },
      'recovery-file': { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      lang: { type: 'string' },
      'persist-to': { type: 'string' },
    },
    HELP,
  );
  const lang = text(values, 'lang') ?? 'es';
  if (!(LANGUAGES as readonly string[]).includes(lang)) fail(`--lang must be one of ${LANGUAGES.join(', ')}`);
  const file = text(values, 'passphrase-file');
  const recoveryFile = text(values, 'recovery-file');
  if (file !== undefined && recoveryFile !== undefined) fail('give --passphrase-file or --recovery-file, not both');
  const byRecovery = !!(recoveryFile || process.env.BUZON_RECOVERY_CODE);
  const passphrase = byRecovery ? undefined : (file ? readFileSync(file, 'utf8').split('\n')[0] : process.env.BUZON_PASSPHRASE)?.trim();
  if (!passphrase && !byRecovery) fail('give --passphrase-file FILE or set BUZON_PASSPHRASE (or --recovery-file CARD for a recovery key)');
  const s = await loadNodeSodium();
  const platform = await openLocalPlatform(text(values, 'persist-to'));
  const { DB, BLOBS } = platform.env;
  try {
    const keys = byRecovery ? loadRecoveryKey(s, recoveryFile) : await findKeys(s, DB, passphrase!);
    if (!keys) throw new Error('no registered recipient matches this passphrase');
    const results = await casesFor(DB, keys.keyId, text(values, 'report'));
    const admin = configuredAdminKey();
    const adminPublicKey = admin ? fromB64(s, admin) : null;
    const out = text(values, 'out');
    if (out) mkdirSync(out, { recursive: true, mode: 0o700 });
    const t = translator(lang as Language);
    let failures = 0;
    for (const row of results) {
      try {
        const opened = await openCaseInTerminal(s, platform.env, keys, row, adminPublicKey);
        const files = out ? await saveCaseFiles(s, BLOBS, opened, out) : [];
        if (values.json) console.log(JSON.stringify({ ...opened, ...(out ? { files } : {}) }));
        else console.log(`${caseAsText(t, opened)}${files.length ? `\n\n${t('decrypt.saved', { count: files.length })}\n${files.join('\n')}` : ''}\n`);
      } catch (error) {
        failures++;
        console.error(t('decrypt.cannot_open', { id: row.id, reason: (error as Error).message }));
      }
    }
    console.error(t('decrypt.summary', { opened: results.length - failures, total: results.length, key: keys.keyId }));
    return failures ? 1 : 0;
  } finally {
    await platform.dispose();
  }
});

/** Tries the passphrase against each registered recipient's KDF salt. */
async function findKeys(s: Sodium, DB: D1Database, pass: string): Promise<RecipientKeys | null> {
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
