/**
 * @module The deploy preflight's secret checks (scripts/lib/preflight.ts): the values in a
 * --secrets-file are checked here, offline; Cloudflare's are known only by name, when logged in.
 */
import { SECRETS, TESTS_CONSTANCIA_PK, TESTS_CONSTANCIA_SEED, TESTS_POW_SECRET, type Finding, type PreflightFacts } from './preflight';

/** A secret value nobody should deploy: not 32 random bytes (base64url), or the tests' or this machine's demo value. */
function badSecret(name: (typeof SECRETS)[number], value: string, f: PreflightFacts): string | null {
  const bytes = Buffer.from(value, 'base64url');
  if (!/^[A-Za-z0-9_-]{43}$/.test(value) || bytes.length !== 32) return 'is not 32 bytes in base64url';
  if (new Set(bytes).size < 8) return 'is a placeholder (the same few bytes over and over), not random';
  if (name === 'POW_SECRET' && value === TESTS_POW_SECRET) return "is the tests' value (vitest.config.ts)";
  if (name === 'CONSTANCIA_SIGN_SK' && value === TESTS_CONSTANCIA_SEED)
    return `is the tests-only seed (public key ${TESTS_CONSTANCIA_PK}): anyone could forge constancias`;
  const demo = name === 'POW_SECRET' ? (f.demoPowSecrets ?? []) : f.demoConstanciaSeeds;
  if (demo.includes(value)) return "is this machine's local demo value (.dev.vars)";
  return null;
}

/**
 * The secrets: those in the file given (--secrets-file, uploaded with the deployment) are checked
 * here, offline; those Cloudflare holds only by name, when logged in (`wrangler secret list`: it
 * never gives values back). Whatever could not be checked is said, one line each.
 */
export function secretFindings(f: PreflightFacts): Finding[] {
  const env = f.environment;
  const out: Finding[] = [];
  const file = f.secretsFile;
  if (file && 'error' in file) {
    out.push({
      level: 'refuse',
      message: `the secrets file ${file.path} could not be read (${file.error}): give a JSON object or KEY=value lines, as wrangler deploy --secrets-file takes`,
    });
  }
  const inFile = file && 'values' in file ? file.values : {};
  for (const [name, value] of Object.entries(inFile)) {
    if (!(SECRETS as readonly string[]).includes(name)) {
      out.push({
        level: 'refuse',
        message: `the secrets file ${file!.path} holds ${name}, which is not a secret of this Worker (${SECRETS.join(', ')}): remove it`,
      });
      continue;
    }
    const bad = badSecret(name as (typeof SECRETS)[number], value.trim(), f);
    const make = `put 32 new random bytes there: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;
    if (bad) out.push({ level: 'refuse', message: `${name} in the secrets file ${file!.path} ${bad}: ${make}` });
  }
  const listed = 'names' in f.secrets ? f.secrets.names : null;
  for (const name of SECRETS) {
    if (name in inFile) continue; // uploaded with this deployment, and checked above
    if (listed && !listed.includes(name)) {
      out.push({ level: 'refuse', message: `the secret ${name} is not set: see README "Production", step 3 (npx wrangler secret put ${name} --env ${env})` });
    }
  }
  const notInFile = SECRETS.filter((n) => !(n in inFile));
  if (!listed && notInFile.length) {
    out.push({
      level: 'unchecked',
      message: `whether Cloudflare holds ${notInFile.join(' and ')}: secrets not listed (${'skipped' in f.secrets ? f.secrets.skipped : ''}); check with npx wrangler secret list --env ${env}, or give them with --secrets-file FILE to have them checked here`,
    });
  }
  if (notInFile.length) {
    out.push({
      level: 'unchecked',
      message: `the value${notInFile.length > 1 ? 's' : ''} of ${notInFile.join(' and ')} held by Cloudflare (it never gives them back): after deploying, the served constancia key is compared with the tests' and the demo's, and POW_SECRET cannot be compared at all`,
    });
  }
  return out;
}
