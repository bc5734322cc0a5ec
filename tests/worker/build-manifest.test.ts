import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { pageResources, pinProblems } from '../../scripts/lib/page-pins';
import { BUILD_MANIFEST } from '../../src/lib/build-info';
import { makeFacility, sodium } from './helpers';

const get = (path: string) => SELF.fetch(`https://buzon.test${path}`);

async function facilityPages(): Promise<string[]> {
  const f = await makeFacility(await sodium());
  const row = await env.DB.prepare('SELECT short_code FROM facilities WHERE id = ?1').bind(f.id).first<{ short_code: string }>();
  return [`/f/${row!.short_code}`, `/f/${row!.short_code}/cartel`, `/f/${row!.short_code}/cartel?papel=a4`];
}

describe('build manifest and pinned scripts', () => {
  it('should serve the build manifest with the commit, the administrator key and a hash of every asset', async () => {
    const res = await get('/.well-known/buzon-build.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const served = (await res.json()) as typeof BUILD_MANIFEST;
    expect(served).toEqual(BUILD_MANIFEST);
    expect(served.format).toBe('buzon-build/1');
    expect(served.commit).not.toBe('');
    expect(served.adminSignPk).toMatch(/^[A-Za-z0-9_-]{43}$|^$/);
    expect(Object.keys(served.assets)).toEqual(expect.arrayContaining(['/assets/report.js', '/assets/follow-up.js', '/assets/console.js', '/assets/no-trace.js', '/assets/console.css', '/assets/trends.css']));
    for (const digest of Object.values(served.assets)) {
      expect(digest.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(digest.sha384).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
      expect(digest.bytes).toBeGreaterThan(0);
    }
  });

  it('should pin every script and stylesheet of every page to the bytes the build made', async () => {
    const pages = ['/', '/?lang=en', '/seguimiento', '/seguimiento?lang=en', '/console', '/console?lang=en', '/sin-rastro', '/transparencia', '/no-such-page', ...(await facilityPages())];
    const loaded = new Set<string>();
    for (const path of pages) {
      const html = await (await get(path)).text();
      expect(pinProblems(html, `https://buzon.test${path}`, BUILD_MANIFEST.assets), path).toEqual([]);
      for (const r of pageResources(html)) loaded.add(`${r.kind} ${r.url}`);
    }
    // The check above only means something if the pages load what they are meant to.
    expect([...loaded]).toEqual(
      expect.arrayContaining(['script /assets/report.js', 'script /assets/follow-up.js', 'script /assets/console.js', 'script /assets/no-trace.js', 'stylesheet /assets/console.css', 'stylesheet /assets/trends.css', 'stylesheet /assets/poster.css', 'stylesheet /assets/poster-a4.css']),
    );
  });

  it('should report a script without integrity, with another hash, from another origin, or inline', () => {
    const assets = { '/assets/a.js': { sha384: 'sha384-good' } };
    const page = 'https://buzon.test/x';
    expect(pinProblems('<script type="module" src="/assets/a.js" integrity="sha384-good"></script>', page, assets)).toEqual([]);
    expect(pinProblems('<script type="module" src="/assets/a.js"></script>', page, assets)).toEqual(['loads script /assets/a.js without integrity']);
    expect(pinProblems('<script src="/assets/a.js" integrity="sha384-bad"></script>', page, assets)[0]).toContain('pins /assets/a.js to sha384-bad');
    expect(pinProblems('<script src="https://cdn.example/a.js" integrity="sha384-good"></script>', page, assets)[0]).toContain('another origin');
    expect(pinProblems('<script>alert(1)</script>', page, assets)).toEqual(['runs an inline script']);
    expect(pinProblems('<link rel="stylesheet" href="/assets/b.css">', page, assets)).toEqual(['loads stylesheet /assets/b.css, which the build did not make']);
  });
});
