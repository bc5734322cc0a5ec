/**
 * `npm run verify` against real wrangler dev serving a built copy of this source: "identical" when
 * the copy is as built, and the tampered file named (exit code 1) when one byte of one bundle is
 * changed, which real Chromium then also refuses to run (Subresource Integrity); and each page named
 * when the pages' Content-Security-Policy is loosened.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';
import { sourceCommit } from '../../scripts/lib/build-manifest.mjs';
import { prepareState, startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { buildTree, exportTree } from '../../scripts/lib/source-tree';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
/** An administrator key of the served build's own, so verify must take it from the manifest to match. */
const ADMIN_KEY = Buffer.alloc(32, 7).toString('base64url');

let copy: string;
let stateDir: string;
let server: DevServer | undefined;

async function verify(origin: string): Promise<{ code: number; stdout: string; differing: string[] }> {
  const args = ['tsx', 'scripts/verify.ts', origin, '--worktree', '--facility', 'demo'];
  const result = await run('npx', args, { cwd: repo }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: `${error.stdout}${error.stderr}` }),
  );
  const differing = [...new Set([...result.stdout.matchAll(/^differs: (\S+):/gm)].map((m) => m[1]!))];
  return { ...result, differing };
}

/** Console messages of a page load in Chromium: SRI failures show up there. */
async function consoleOf(url: string): Promise<string[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    await page.goto(url, { waitUntil: 'load' });
    return messages;
  } finally {
    await browser.close();
  }
}

beforeAll(async () => {
  copy = exportTree(repo, 'worktree', 'buzon-served-');
  buildTree(copy, { commit: sourceCommit(repo, {}), adminSignPk: ADMIN_KEY });
  stateDir = await prepareState();
});

afterAll(async () => {
  await server?.stop();
  rmSync(copy, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('npm run verify', () => {
  it('should call a deployment of this source identical, and Chromium should run its pinned scripts', async () => {
    server = await startDevServer({ stateDir, cwd: copy });
    const result = await verify(server.url);
    expect(result.stdout).toContain(`ADMIN_SIGN_PK ${ADMIN_KEY}`);
    expect(result.differing).toEqual([]);
    expect(result.stdout).toMatch(/^identical: \d+ assets, 11 pages and the manifest match the local build$/m);
    expect(result.code).toBe(0);
    expect((await consoleOf(`${server.url}/seguimiento`)).filter((m) => m.includes('integrity'))).toEqual([]);
    await server.stop();
    server = undefined;
  });

  it('should name the one bundle whose byte was changed, and Chromium should refuse to run it', async () => {
    const file = join(copy, 'public/assets/follow-up.js');
    const bytes = readFileSync(file);
    const at = bytes.length >> 1;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(file, bytes);
    server = await startDevServer({ stateDir, cwd: copy });
    const result = await verify(server.url);
    expect(result.differing).toEqual(['/assets/follow-up.js']);
    expect(result.stdout).toMatch(/^differs: \/assets\/follow-up\.js: served bytes have sha256 /m);
    expect(result.stdout).not.toMatch(/^identical/m);
    expect(result.code).toBe(1);
    const refused = (await consoleOf(`${server.url}/seguimiento`)).filter((m) => m.includes('integrity'));
    expect(refused.join('\n')).toMatch(/follow-up\.js.*blocked|blocked.*follow-up\.js/s);
  });

  it('should name every page whose Content-Security-Policy was loosened to let inline scripts run', async () => {
    await server?.stop();
    const csp = join(copy, 'src/lib/csp.ts');
    writeFileSync(csp, readFileSync(csp, 'utf8').replace(`"script-src 'self' 'wasm-unsafe-eval'"`, `"script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'"`));
    server = await startDevServer({ stateDir, cwd: copy });
    const result = await verify(server.url);
    expect(result.differing).toEqual(expect.arrayContaining(['/', '/seguimiento', '/console', '/sin-rastro', '/transparencia', '/verify/no-such-page', '/f/demo']));
    expect(result.stdout).toMatch(/^differs: \/seguimiento: sends Content-Security-Policy ".*'unsafe-inline'.*", the local build sends /m);
    expect(result.code).toBe(1);
  });
});
