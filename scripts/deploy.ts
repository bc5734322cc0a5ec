/**
 * @module `npm run deploy`: the preflight (scripts/lib/preflight.ts) refuses a production config that
 * still holds a placeholder, a demo or tests key, an http or example address, or logs; then builds
 * the bundles for that environment, deploys it with wrangler, and says how to check it from outside.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { constanciaPublicKey, preflight, TESTS_CONSTANCIA_PK, TESTS_ADMIN_PK } from './lib/preflight';
import { deployConfig, gatherFacts, QUIET } from './lib/preflight-facts';

const USAGE = `npm run deploy [-- options]

Checks the production configuration (wrangler.toml [env.production]), builds the pages with its
administrator key, deploys with wrangler deploy --env production, and prints how to verify it.

  --check      only the checks: build and deploy nothing
  --dry-run    check, build, and bundle with wrangler deploy --dry-run (no account needed)
  --offline    skip what needs Cloudflare's network (the secret list, the check after deploying)
  --env NAME   another wrangler environment than production
  --help       this text

Exits 1 on any refusal, saying what to do; warnings (uncommitted or unpushed source) do not stop it.`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        check: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        offline: { type: 'boolean' },
        env: { type: 'string', default: 'production' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`deploy: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  const environment = values.env;
  const config = deployConfig(root, environment);
  if (!config) {
    console.error(`deploy: wrangler.toml has no [env.${environment}]: see README "Production"`);
    return 1;
  }
  const findings = preflight(gatherFacts(root, environment, config, { offline: !!values.offline || !!values['dry-run'] }));
  for (const f of findings) console.error(`${f.level}: ${f.message}`);
  const refused = findings.filter((f) => f.level === 'refuse').length;
  if (refused) {
    console.error(`\ndeploy: ${refused} ${refused === 1 ? 'problem' : 'problems'} in the ${environment} configuration; nothing was built or deployed.`);
    return 1;
  }
  console.log(`deploy: preflight passed for ${environment}`);
  if (values.check) return 0;

  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...QUIET, CLOUDFLARE_ENV: environment } });
  try {
    run('node', ['scripts/build.mjs', '--env', environment]);
    const dry = values['dry-run'] ? ['--dry-run', '--outdir', mkdtempSync(join(tmpdir(), 'buzon-deploy-'))] : [];
    run('npx', ['wrangler', 'deploy', '--env', environment, ...dry]);
  } catch {
    console.error('deploy: stopped; see the lines above');
    return 1;
  }
  const vars = config.vars as Record<string, string>;
  const origin = vars.PUBLIC_ORIGIN!;
  console.log(`
${values['dry-run'] ? 'Dry run: nothing was uploaded. Once deployed, check' : 'Deployed. Check'} it from another machine (README "Checking a deployment"):
  npm run verify -- ${origin} --admin-key ${vars.ADMIN_SIGN_PK}
  curl -sI ${origin}/ | grep -i strict-transport-security
and copy the constancia public key from ${origin}/.well-known/buzon-constancia.json into the README's table.`);
  if (values['dry-run'] || values.offline) return 0;
  return checkServedKeys(origin, gatherFacts(root, environment, config, { offline: true }).demoConstanciaSeeds);
}

/** After a real deployment: it serves neither the tests' nor this machine's demo constancia key, nor the tests' admin key. */
async function checkServedKeys(origin: string, demoSeeds: string[]): Promise<number> {
  const get = async <T>(path: string) => (await (await fetch(`${origin}${path}`, { signal: AbortSignal.timeout(20_000) })).json()) as T;
  try {
    const served = (await get<{ publicKey?: string }>('/.well-known/buzon-constancia.json')).publicKey;
    if (served === TESTS_CONSTANCIA_PK || (served && demoSeeds.map(constanciaPublicKey).includes(served))) {
      console.error(
        `deploy: ${origin} signs constancias with the ${served === TESTS_CONSTANCIA_PK ? 'tests-only' : 'local demo'} key: set a new CONSTANCIA_SIGN_SK now (README "Production", step 3) and deploy again`,
      );
      return 1;
    }
    if ((await get<{ adminSignPk?: string }>('/.well-known/buzon-build.json')).adminSignPk === TESTS_ADMIN_PK) {
      console.error(`deploy: ${origin} trusts the tests' administrator key: set your own ADMIN_SIGN_PK and deploy again`);
      return 1;
    }
    console.log(`${origin} serves constancia key ${served}`);
  } catch (e) {
    console.log(`could not reach ${origin} yet (${(e as Error).message}); a new custom domain can take a few minutes: check it later as above`);
  }
  return 0;
}

process.exit(await main());
