/**
 * `npm run deploy` says what it could not check and never calls unchecked checked: --offline still
 * checks a secrets file and names each check it could not run, --offline cannot skip the check after
 * a real upload, and that check fails (not passes) when the deployed site cannot be reached.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { TESTS_ADMIN_PK, TESTS_CONSTANCIA_PK, TESTS_CONSTANCIA_SEED } from '../../scripts/lib/preflight';
import { checkServedKeys } from '../../scripts/lib/served-keys';

const exec = promisify(execFile);

async function deploy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...QUIET_WRANGLER };
  delete env.ADMIN_SIGN_PK;
  delete env.CONSTANCIA_SIGN_SK;
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'scripts/deploy.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('npm run deploy --offline', { timeout: 120_000 }, () => {
  it('should refuse --offline for a real upload, which it would leave unchecked', async () => {
    const r = await deploy(['--offline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--offline goes with --check or --dry-run');
  });

  it('should run every check it can offline and name, one line each, those it could not', async () => {
    // The shipped [env.production] still holds placeholders: refused, and the unchecked are named too.
    const r = await deploy(['--check', '--offline']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^refuse: D1 database id "REPLACE-WITH-D1-DATABASE-ID"/m);
    expect(r.stderr).toMatch(/^not checked: whether Cloudflare holds POW_SECRET and CONSTANCIA_SIGN_SK: secrets not listed \(--offline\)/m);
    expect(r.stderr).toMatch(/^not checked: the keys the deployed site serves/m);
  });

  it("should check the secrets file it is given offline, and refuse the tests' constancia seed in it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'buzon-secrets-'));
    const file = join(dir, 'secrets.env');
    await writeFile(
      file,
      `POW_SECRET=${Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 3)).toString('base64url')}\nCONSTANCIA_SIGN_SK=${TESTS_CONSTANCIA_SEED}\n`,
      { mode: 0o600 },
    );
    const r = await deploy(['--check', '--offline', '--secrets-file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^refuse: CONSTANCIA_SIGN_SK in the secrets file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is the tests-only seed`, 'm'),
    );
    // Both secrets come with the deployment: nothing is left to ask Cloudflare about.
    expect(r.stderr).not.toMatch(/whether Cloudflare holds/);
  });
});

describe('the check after deploying', () => {
  const FRESH_PK = 'Zq3Vx0cB1f5QvGJ8yq0m4C6R8pZ0v5o3b2n1m9l8k7A';
  const ADMIN = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c';
  let server: Server;
  let origin: string;
  let answer: { constancia: unknown; build: unknown; status?: number } = { constancia: {}, build: {} };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (answer.status) return res.writeHead(answer.status, { 'content-type': 'text/html' }).end('<h1>not yet</h1>');
      const body = req.url === '/.well-known/buzon-constancia.json' ? answer.constancia : req.url === '/.well-known/buzon-build.json' ? answer.build : null;
      if (body === null) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('should pass a site serving its own keys', async () => {
    answer = { constancia: { publicKey: FRESH_PK }, build: { adminSignPk: ADMIN } };
    expect(await checkServedKeys(origin, [], { adminKey: ADMIN })).toEqual({ ok: true, constanciaKey: FRESH_PK, adminKey: ADMIN });
  });

  it("should fail a site serving the tests' keys, or another administrator key than the configuration's", async () => {
    answer = { constancia: { publicKey: TESTS_CONSTANCIA_PK }, build: { adminSignPk: ADMIN } };
    expect(await checkServedKeys(origin, [], { adminKey: ADMIN })).toMatchObject({ ok: false, message: expect.stringMatching(/tests-only key/) });
    answer = { constancia: { publicKey: FRESH_PK }, build: { adminSignPk: TESTS_ADMIN_PK } };
    expect(await checkServedKeys(origin, [])).toMatchObject({ ok: false, message: expect.stringMatching(/tests' administrator key/) });
    answer = { constancia: { publicKey: FRESH_PK }, build: { adminSignPk: ADMIN } };
    expect(await checkServedKeys(origin, [], { adminKey: FRESH_PK })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not the ADMIN_SIGN_PK of this configuration/),
    });
  });

  it('should fail, not pass, when the site cannot be reached or does not answer with its keys', async () => {
    const closed = await new Promise<string>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const unreachable = await checkServedKeys(closed, []);
    expect(unreachable).toMatchObject({ ok: false, message: expect.stringMatching(/could not check what .* serves .*NOT checked.*--check-served/) });
    answer = { constancia: {}, build: {}, status: 503 };
    expect(await checkServedKeys(origin, [])).toMatchObject({ ok: false, message: expect.stringMatching(/answered 503.*NOT checked/) });
    answer = { constancia: {}, build: { adminSignPk: ADMIN } };
    expect(await checkServedKeys(origin, [])).toMatchObject({ ok: false, message: expect.stringMatching(/serves no constancia public key/) });
  });
});
