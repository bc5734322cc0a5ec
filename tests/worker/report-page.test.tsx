import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/domain/report';
import { makeFacility, sodium } from './helpers';

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`https://buzon.test${path}`, { headers });

// The form is offered only with a plant that can receive a report (tests/worker/offered-plants.test.tsx).
beforeAll(async () => {
  await makeFacility(await sodium());
});

describe('report page', () => {
  it('should be Spanish by default, and English from the link or from Accept-Language', async () => {
    expect(await (await get('/')).text()).toContain('<html lang="es-MX">');
    expect(await (await get('/', { 'accept-language': 'fr-FR,fr;q=0.9' })).text()).toContain('<html lang="es-MX">');
    expect(await (await get('/?lang=en')).text()).toContain('<html lang="en">');
    expect(await (await get('/', { 'accept-language': 'en-US,en;q=0.9' })).text()).toContain('<html lang="en">');
    expect(await (await get('/?lang=es', { 'accept-language': 'en-US' })).text()).toContain('<html lang="es-MX">');
  });

  it('should list every category with its one-line explanation in both languages', async () => {
    for (const lang of ['es', 'en']) {
      const html = await (await get(`/?lang=${lang}`)).text();
      for (const code of CATEGORIES) {
        expect(html).toContain(`id="cat-${code}"`);
        expect(html).toContain(`id="cat-${code}-help"`);
      }
    }
  });

  it('should preselect the facility from its short link and offer its email without JavaScript', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { results } = await (
      await import('cloudflare:test')
    ).env.DB.prepare('SELECT short_code, email_local FROM facilities WHERE id = ?1')
      .bind(f.id)
      .all<{ short_code: string; email_local: string }>();
    const html = await (await get(`/f/${results[0]!.short_code}`)).text();
    expect(html).toContain(`value="${f.id}"`);
    // Without scripts: a notice with the address as a mailto: link and who reads that mail, and the form hidden (issue 23).
    const noscript = html.match(/<body>[\s\S]*?<noscript>([\s\S]*?)<\/noscript>/)![1]!;
    expect(noscript).toContain(`href="mailto:${results[0]!.email_local}@buzon.test"`);
    expect(noscript).toContain('Los correos a esta dirección los leen el monitor de neutralidad de la empresa y la autoridad laboral.');
    expect(noscript).toContain('otro navegador');
    expect(html).toMatch(/<form id="report" class="needs-script"/);
    expect(html).toMatch(/<noscript><style>\.needs-script\{display:none!important\}<\/style><\/noscript>/);
    expect((await get('/f/no-such-code')).status).toBe(404);
  });

  it('should give free-text fields no name, so a native form post could never carry them', async () => {
    const html = await (await get('/')).text();
    for (const id of ['where', 'who', 'description']) {
      const tag = html.match(new RegExp(`<(input|textarea)[^>]*id="${id}"[^>]*>`))![0];
      expect(tag).not.toMatch(/\sname=/);
    }
    expect(html).not.toMatch(/<form[^>]*action=/);
    expect(html).not.toMatch(/type="submit"/);
  });

  it('should send the privacy headers, no cookie, and a CSP whose style hash matches the inline stylesheet', async () => {
    for (const path of ['/', '/?lang=en', '/api/challenge', '/api/challenge?facility=nowhere', '/nothing-here']) {
      const res = await get(path);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      // No page may start a worker (a Service Worker would outlive the deployment), nor submit a form natively.
      expect(csp).toContain("worker-src 'none'");
      expect(csp).toContain("form-action 'none'");
      expect(csp).not.toContain('unsafe-inline');
    }
    const res = await get('/');
    const html = await res.text();
    // Both inline stylesheets (the page's, and the no-script rule) are allowed by their hash, and nothing else inline.
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(2);
    for (const style of styles) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(style)));
      expect(res.headers.get('content-security-policy')).toContain(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
    }
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\/(?!www\.google\.com\/search)/);
  });

  it('should start with a doctype and stay small enough to arrive in one round trip', async () => {
    const html = await (await get('/')).text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const compressed = await new Response(new Blob([html]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
    expect(compressed.byteLength).toBeLessThan(14 * 1024);
  });
});

describe('unknown addresses', () => {
  it('should answer pages with a translated HTML 404 and the API with JSON', async () => {
    const page = await get('/nope?lang=en');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('This page does not exist.');
    const api = await get('/api/nope');
    expect(api.status).toBe(404);
    expect(((await api.json()) as any).error.message).toBe('Esta página no existe.');
  });

  it('should redirect a page typed with a trailing slash to the page, keeping the language, and still 404 what does not exist', async () => {
    const f = await makeFacility(await sodium());
    const { env } = await import('cloudflare:test');
    const short = (await env.DB.prepare('SELECT short_code FROM facilities WHERE id = ?1').bind(f.id).first<string>('short_code'))!;
    for (const [typed, page] of [
      [`/f/${short}/?lang=en`, `/f/${short}?lang=en`],
      ['/seguimiento/', '/seguimiento'],
      ['/constancia/', '/constancia'],
    ] as [string, string][]) {
      const res = await SELF.fetch(`https://buzon.test${typed}`, { redirect: 'manual' });
      expect(res.status, typed).toBe(301);
      expect(res.headers.get('location'), typed).toBe(`https://buzon.test${page}`);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect((await get(page)).status, page).toBe(200);
    }
    expect((await get('/nope/')).status).toBe(404);
  });
});
