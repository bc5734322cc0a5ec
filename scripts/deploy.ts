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
import { preflight, type Finding } from './lib/preflight';
import { deployConfig, gatherFacts, QUIET } from './lib/preflight-facts';
import { checkServedKeys } from './lib/served-keys';

const USAGE = `npm run deploy [-- options]

Checks the production configuration (wrangler.toml [env.production]), builds the pages with its
administrator key, deploys with wrangler deploy --env production, and prints how to verify it.

  --check              only the checks: build and deploy nothing
  --dry-run            check, build, and bundle with wrangler deploy --dry-run (no account needed)
  --offline            with --check or --dry-run: do not ask Cloudflare for the secret list; every
                       other check runs, and each one that could not is named ("not checked:")
  --secrets-file FILE  the secrets, as JSON or KEY=value lines: checked here (offline too), and
                       uploaded with the deployment (wrangler deploy --secrets-file)
  --check-served       only the check after deploying: the keys the deployed site serves
  --env NAME           another wrangler environment than production
  --help               this text

Exits 1 on any refusal, saying what to do, and when the deployed site could not be checked;
warnings (uncommitted or unpushed source) do not stop it.`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        check: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        offline: { type: 'boolean' },
        'secrets-file': { type: 'string' },
        'check-served': { type: 'boolean' },
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
  const vars = config.vars as Record<string, string>;
  const origin = vars.PUBLIC_ORIGIN!;
  const demoSeeds = () => gatherFacts(root, environment, config, { offline: true }).demoConstanciaSeeds;
  if (values['check-served']) return served(origin, demoSeeds(), vars.ADMIN_SIGN_PK);
  // A real upload needs the network: --offline would only skip the checks that follow it.
  if (values.offline && !values.check && !values['dry-run']) {
    console.error('deploy: --offline goes with --check or --dry-run: a deployment needs the network, and is checked over it afterwards');
    return 2;
  }
  const secretsFile = values['secrets-file'];
  const findings = preflight(gatherFacts(root, environment, config, { offline: !!values.offline || !!values['dry-run'], secretsFile }));
  const notDeployed = values.check || values['dry-run'];
  if (notDeployed)
    findings.push({
      level: 'unchecked',
      message: 'the keys the deployed site serves: nothing is deployed now; npm run deploy checks them after uploading (or npm run deploy -- --check-served)',
    });
  for (const f of findings) console.error(`${label(f)}: ${f.message}`);
  const refused = findings.filter((f) => f.level === 'refuse').length;
  const unchecked = findings.filter((f) => f.level === 'unchecked').length;
  if (refused) {
    console.error(`\ndeploy: ${refused} ${refused === 1 ? 'problem' : 'problems'} in the ${environment} configuration; nothing was built or deployed.`);
    return 1;
  }
  console.log(
    `deploy: preflight passed for ${environment}${unchecked ? ` (${unchecked} ${unchecked === 1 ? 'check' : 'checks'} could not run here: the "not checked" lines above)` : ''}`,
  );
  if (values.check) return 0;

  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...QUIET, CLOUDFLARE_ENV: environment } });
  try {
    run('node', ['scripts/build.mjs', '--env', environment]);
    const dry = values['dry-run'] ? ['--dry-run', '--outdir', mkdtempSync(join(tmpdir(), 'buzon-deploy-'))] : [];
    run('npx', ['wrangler', 'deploy', '--env', environment, ...dry, ...(secretsFile ? ['--secrets-file', secretsFile] : [])]);
  } catch {
    console.error('deploy: stopped; see the lines above');
    return 1;
  }
  console.log(`
${values['dry-run'] ? 'Dry run: nothing was uploaded. Once deployed, check' : 'Deployed. Check'} it from another machine (README "Checking a deployment"):
  npm run verify -- ${origin} --admin-key ${vars.ADMIN_SIGN_PK}
  curl -sI ${origin}/ | grep -i strict-transport-security
and copy the constancia public key from ${origin}/.well-known/buzon-constancia.json into the README's table.`);
  if (values['dry-run']) return 0;
  return served(origin, demoSeeds(), vars.ADMIN_SIGN_PK);
}

const label = (f: Finding) => (f.level === 'unchecked' ? 'not checked' : f.level);

/** After a real deployment: it serves neither the tests' nor this machine's demo keys, and its administrator key is this config's. */
async function served(origin: string, demoSeeds: string[], adminKey: string | undefined): Promise<number> {
  const check = await checkServedKeys(origin, demoSeeds, { adminKey });
  if (!check.ok) {
    console.error(`deploy: ${check.message}`);
    return 1;
  }
  console.log(
    `${origin} serves constancia key ${check.constanciaKey} and administrator key ${check.adminKey}: neither is the tests' or this machine's demo key`,
  );
  return 0;
}

process.exit(await main());
