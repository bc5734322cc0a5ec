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
import { option } from './lib/local-platform';
import { loadNodeSodium } from './lib/node-sodium';

const usage = 'usage: npm run constancia:verify -- <constancia text | file | -> [--key <base64url> | --origin <url> [--online]]';

/** The first argument that is not an option or an option's value. */
function inputArgument(): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--online') continue;
    if (args[i]!.startsWith('--')) {
      i++;
      continue;
    }
    return args[i];
  }
  return undefined;
}

function readInput(arg: string): string {
  if (arg === '-') return readFileSync(0, 'utf8');
  if (!arg.startsWith('BZC1') && existsSync(arg)) return readFileSync(arg, 'utf8');
  return arg;
}

/** The constancia inside whatever was given (a file may hold other words around it). */
const extract = (text: string) => /BZC1\.[A-Za-z0-9._\-\s]+/.exec(text)?.[0].trim() ?? text.trim();

function offlineKey(s: Sodium): string | null {
  const given = option('key') ?? process.env.CONSTANCIA_PUBLIC_KEY;
  if (given) return given;
  if (!existsSync('.dev.vars')) return null;
  const seed = /^CONSTANCIA_SIGN_SK=(.+)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim();
  if (!seed) return null;
  const pair = constanciaKeypair(s, seed);
  s.memzero(pair.privateKey);
  return toB64(s, pair.publicKey);
}

async function main(): Promise<number> {
  const arg = inputArgument();
  if (!arg) {
    console.error(usage);
    return 2;
  }
  const text = extract(readInput(arg));
  const s = await loadNodeSodium();
  const origin = option('origin')?.replace(/\/+$/, '');

  if (origin && process.argv.includes('--online')) {
    const res = await fetch(`${origin}/api/constancia/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ constancia: text }) });
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
    publicKey = res.ok ? ((await res.json()) as { publicKey?: string }).publicKey ?? null : null;
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
  console.log('It says nothing of what the report said or who sent it.');
  return 0;
}

process.exit(await main());
