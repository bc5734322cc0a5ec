/**
 * Checks a constancia (proof of filing) and says: valid or not, for which plant, filed on which
 * day. It reveals nothing else: a constancia holds no content and no receipt code.
 *
 *   npm run constancia:verify -- <text | file | -> [--key <public key>]        offline
 *   npm run constancia:verify -- <text | file | -> --origin <https://…>         key from /.well-known, checked here
 *   npm run constancia:verify -- <text | file | -> --origin <https://…> --online   the site checks it (and names the plant)
 *
 * Offline, the public key comes from --key, else $CONSTANCIA_PUBLIC_KEY, else (local development)
 * the seed in .dev.vars. Exit status: 0 valid, 1 not valid, 2 usage or network problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { constanciaKeypair, fromB64, toB64, verifyConstancia, type Sodium } from '../src/crypto';
import { parseCommandLine, runMain, text as option, UsageError, type Values } from './lib/cli';
import { loadNodeSodium } from './lib/node-sodium';

const usage = 'usage: npm run constancia:verify -- <constancia text | file | -> [--key <base64url> | --origin <url> [--online]]';
const HELP = `Checks a constancia (proof of filing): valid or not, for which plant, released on which day.

  npm run constancia:verify -- <text | file | -> [--key <public key>]            offline
  npm run constancia:verify -- <text | file | -> --origin <https://…>             key from its /.well-known
  npm run constancia:verify -- <text | file | -> --origin <https://…> --online    the site checks it

  --key KEY           the deployment's constancia public key (or CONSTANCIA_PUBLIC_KEY; locally, .dev.vars)
  --origin URL        the deployment: its key from /.well-known/buzon-constancia.json
  --online            with --origin: ask the site to check it (it also names the plant)
  --help              this text

Exit status: 0 valid, 1 not valid, 2 usage or network problem.`;

let values: Values = {};

function readInput(arg: string): string {
  if (arg === '-') return readFileSync(0, 'utf8');
  if (!arg.startsWith('BZC1') && existsSync(arg)) return readFileSync(arg, 'utf8');
  return arg;
}

/** The constancia inside whatever was given (a file may hold other words around it). */
const extract = (text: string) => /BZC1\.[A-Za-z0-9._\-\s]+/.exec(text)?.[0].trim() ?? text.trim();

function offlineKey(s: Sodium): string | null {
  const given = option(values, 'key') ?? process.env.CONSTANCIA_PUBLIC_KEY;
  if (given) return given;
  if (!existsSync('.dev.vars')) return null;
  const seed = /^CONSTANCIA_SIGN_SK=(.+)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim();
  if (!seed) return null;
  const pair = constanciaKeypair(s, seed);
  s.memzero(pair.privateKey);
  return toB64(s, pair.publicKey);
}

async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2), { key: { type: 'string' }, origin: { type: 'string' }, online: { type: 'boolean' } }, HELP, {
    positionals: true,
  });
  values = parsed.values;
  if (parsed.positionals.length !== 1)
    throw new UsageError(parsed.positionals.length ? `one constancia at a time (got ${parsed.positionals.length} arguments)` : usage);
  if (values.online && !option(values, 'origin')) throw new UsageError('--online asks a site: give --origin URL too');
  if (option(values, 'key') !== undefined && option(values, 'origin') !== undefined) throw new UsageError('give --key or --origin, not both');
  const arg = parsed.positionals[0]!;
  const text = extract(readInput(arg));
  const s = await loadNodeSodium();
  const origin = option(values, 'origin')?.replace(/\/+$/, '');

  if (origin && values.online) {
    const res = await fetch(`${origin}/api/constancia/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ constancia: text }),
    });
    const answer = (await res.json().catch(() => ({}))) as { valid?: boolean; facility?: string; facilityName?: string | null; day?: string; reason?: string };
    if (answer.valid) return report(answer.facility!, answer.day!, answer.facilityName ?? null, `checked by ${origin}`);
    if (res.status >= 400 && answer.reason !== 'invalid') {
      console.error(`the site could not check it (${res.status} ${answer.reason ?? ''})`);
      return 2;
    }
    console.log(`NOT valid (checked by ${origin})`);
    return 1;
  }

  let publicKey: string | null;
  let where: string;
  if (origin) {
    const res = await fetch(`${origin}/.well-known/buzon-constancia.json`);
    publicKey = res.ok ? (((await res.json()) as { publicKey?: string }).publicKey ?? null) : null;
    where = `key from ${origin}/.well-known/buzon-constancia.json`;
  } else {
    publicKey = offlineKey(s);
    where = 'offline';
  }
  let key: Uint8Array;
  try {
    key = fromB64(s, publicKey ?? '');
    if (key.length !== 32) throw new Error('length');
  } catch {
    console.error(`no usable public key (give --key, CONSTANCIA_PUBLIC_KEY or --origin)\n${usage}`);
    return 2;
  }
  const st = verifyConstancia(s, text, key);
  if (!st) {
    console.log(`NOT valid (${where}, key ${toB64(s, key)})`);
    return 1;
  }
  return report(st.facility, st.day, null, `${where}, key ${toB64(s, key)}`);
}

function report(facility: string, day: string, name: string | null, how: string): number {
  console.log(`valid: a report was filed for plant ${facility}${name ? ` (${name})` : ''}, released to its readers on ${day} (${how})`);
  // The signed text names the plant by its id only; its name lives on the site (which may rename it).
  if (!name)
    console.log(
      `"${facility}" is the plant's id on the Buzón that signed it, not its name: that site's /constancia page shows the name for the same text, as does --origin <url> --online.`,
    );
  console.log('It says nothing of what the report said or who sent it.');
  return 0;
}

// A network failure is a problem of checking (2), never "not valid" (1).
await runMain('constancia:verify', () =>
  main().catch((error: Error) => {
    if (error instanceof UsageError) throw error;
    throw new UsageError(error.message, { cause: error.cause });
  }),
);
