/**
 * A build for a deployment (`node scripts/build.mjs --env production`, or CLOUDFLARE_ENV=production)
 * takes its administrator key only from the environment or [env.production.vars]: with the shipped
 * empty key it stops, before touching the current build, even on a machine whose .dev.vars holds the
 * demo key the local build would use.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const build = (args: string[], env: Record<string, string> = {}) => {
  const clean = { ...process.env };
  delete clean.ADMIN_SIGN_PK;
  delete clean.CLOUDFLARE_ENV;
  const r = spawnSync('node', ['scripts/build.mjs', ...args], { encoding: 'utf8', env: { ...clean, ...env } });
  return { status: r.status, said: `${r.stdout}${r.stderr}` };
};

describe('production build', () => {
  it('should refuse the shipped empty key, never falling back to the demo key in .dev.vars, and leave the last build alone', () => {
    expect(readFileSync('.dev.vars', 'utf8')).toMatch(/^ADMIN_SIGN_PK=[A-Za-z0-9_-]{43}$/m); // npm test made it
    const manifest = existsSync('build/buzon-build.json') ? statSync('build/buzon-build.json').mtimeMs : null;
    const r = build(['--env', 'production']);
    expect(r.status).toBe(1);
    expect(r.said).toContain('refusing to build for production without its administrator key');
    expect(r.said).toContain('npm run keys -- admin-init --out admin.txt');
    expect(r.said).toContain('[env.production.vars]');
    expect(existsSync('build/buzon-build.json') ? statSync('build/buzon-build.json').mtimeMs : null).toBe(manifest);
  });

  it('should read CLOUDFLARE_ENV as wrangler does', () => {
    const r = build([], { CLOUDFLARE_ENV: 'production' });
    expect(r.status).toBe(1);
    expect(r.said).toContain('refusing to build for production');
  });

  it('should refuse a malformed key given in the shell', () => {
    const r = build(['--env', 'production'], { ADMIN_SIGN_PK: 'not-a-key' });
    expect(r.status).toBe(1);
    expect(r.said).toContain('refusing to build for production');
  });

  it('should refuse an environment wrangler.toml does not have', () => {
    const r = build(['--env', 'staging']);
    expect(r.status).toBe(1);
    expect(r.said).toContain('wrangler.toml has no [env.staging]');
  });
});
