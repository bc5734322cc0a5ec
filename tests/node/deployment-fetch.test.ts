/**
 * What `npm run verify` fetches, from a real local HTTP server playing a dishonest deployment: a
 * page that redirects elsewhere is named by its status, never followed, and a manifest cannot make
 * verify fetch from another host.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_FOUND_PAGE, fetchManifest, fetchServed, listedFacilities, pagePaths, publicSettings } from '../../scripts/lib/deployment-fetch';

const honest = '<!doctype html><html><head></head><body></body></html>';
let server: Server;
let origin: string;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url!);
    const csp = { 'content-security-policy': "default-src 'none'" };
    if (req.url === '/headers') {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      return res.writeHead(200, { refresh: '0; url=https://evil.example/', date: 'Mon, 07 Dec 2026 20:00:00 GMT' }).end('');
    }
    if (req.url === '/validators') {
      // As Cloudflare's edge sends a compressed answer (weak ETag, Vary: Accept-Encoding), plus a Vary on the cookie.
      return res.writeHead(200, { etag: 'W/"a1b2"', 'last-modified': 'Mon, 07 Dec 2026 20:00:01 GMT', vary: 'Accept-Encoding, Cookie' }).end('');
    }
    if (req.url === '/api/facilities/p-1/recipients') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ readers: { statement: '{"v":1}', signature: 'c2ln' } }));
    if (req.url === '/edge') return res.writeHead(200, { etag: '"a1b2"', vary: 'accept-encoding' }).end('');
    // One bundle keeps its tag, the other gets a new one for each request.
    if (req.url === '/assets/same.js') return res.writeHead(200, { etag: '"c3d4"' }).end('x');
    if (req.url === '/assets/visitor.js') return res.writeHead(200, { etag: `"v-${asked.length}"` }).end('x');
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      return req.on('end', () => res.writeHead(200).end(`POST ${body}`));
    }
    if (req.url === '/.well-known/buzon-build.json') {
      // Lists an asset "path" that, glued to the origin, would name another host.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ assets: { '/assets/a.js': {}, '@evil.example/x.js': {}, '/../secret': {} } }));
    } else if (req.url === '/') res.writeHead(302, { location: 'https://evil.example/' }).end();
    else if (req.url === '/seguimiento') res.writeHead(301, { location: '/seguimiento-2' }).end();
    else if (req.url === '/seguimiento-2' || req.url === '/console') res.writeHead(200, { 'content-type': 'text/html', ...csp }).end(honest);
    else if (req.url === '/assets/a.js') res.writeHead(200).end('x');
    else res.writeHead(404, { 'content-type': 'text/html', ...csp }).end(honest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetching a deployment', () => {
  it('should name a redirecting page by its status and follow no redirect', async () => {
    const manifest = await fetchManifest(origin);
    const served = await fetchServed(origin, manifest, ['/assets/a.js'], ['/', '/seguimiento', '/console', NOT_FOUND_PAGE, '/transparencia']);
    expect(served.pages.get('/')).toBe(302);
    expect(served.pages.get('/seguimiento')).toBe(301);
    expect(served.pages.get('/console')).toEqual({ html: honest });
    expect(served.headers.get('/console')).toEqual({ 'content-type': ['text/html'], 'content-security-policy': ["default-src 'none'"] });
    // The not-found page is wanted as a 404; any other page answering 404 is a difference.
    expect(served.pages.get(NOT_FOUND_PAGE)).toEqual({ html: honest });
    expect(served.pages.get('/transparencia')).toBe(404);
    expect(asked).not.toContain('/seguimiento-2');
  });

  it('should keep every header but the transport ones, each cookie apart, and send the constancia form\'s POST', async () => {
    const served = await fetchServed(origin, { error: 'none' }, [], ['/headers', 'POST /constancia?lang=en']);
    expect(served.headers.get('/headers')).toEqual({ refresh: ['0; url=https://evil.example/'], 'set-cookie': ['a=1', 'b=2'] });
    expect(served.pages.get('POST /constancia?lang=en')).toEqual({ html: 'POST constancia=' });
  });

  it("should keep ETag, Last-Modified and Vary, without what the platform's compression adds, and an asset's ETag only when it changes between two fresh requests", async () => {
    const served = await fetchServed(origin, { error: 'none' }, [], ['/validators', '/edge']);
    expect(served.headers.get('/validators')).toEqual({ etag: ['"a1b2"'], 'last-modified': ['Mon, 07 Dec 2026 20:00:01 GMT'], vary: ['cookie'] });
    expect(served.headers.get('/edge')).toEqual({ etag: ['"a1b2"'] });
    // An asset's tag is the platform's: compared only with itself, asked again.
    const assets = await fetchServed(origin, { error: 'none' }, ['/assets/same.js', '/assets/visitor.js'], []);
    expect(assets.headers.get('/assets/same.js')).toEqual({});
    expect(assets.headers.get('/assets/visitor.js')!.etag).toEqual([expect.stringMatching(/^"v-\d+"$/), expect.stringMatching(/^"v-\d+"$/)]);
    expect(new Set(assets.headers.get('/assets/visitor.js')!.etag).size).toBe(2);
  });

  it('should list the plants the form offers, with the short code of their own form and poster', () => {
    const form = '<select id="facility" required=""><option value="">Elige</option><option value="p-1" data-code="uno">Planta &amp; Uno</option></select>';
    expect(listedFacilities(form)).toEqual([{ id: 'p-1', shortCode: 'uno', name: 'Planta & Uno' }]);
    expect(pagePaths([{ id: 'p-1', shortCode: 'uno', name: 'x' }]).filter((p) => p.includes('/f/'))).toEqual(['/f/uno', '/f/uno?lang=en', '/f/uno/cartel', '/f/uno/cartel?papel=a4']);
    expect(pagePaths([])).toEqual(expect.arrayContaining(['/constancia?lang=en', 'POST /constancia', `${NOT_FOUND_PAGE}?lang=en`, '/transparencia?lang=en']));
  });

  it("should read each listed plant's signed reader list, which the local Worker checks with the build's key", async () => {
    const served = await fetchServed(origin, { error: 'none' }, [], []);
    const settings = await publicSettings(origin, served, [{ id: 'p-1', shortCode: 'uno', name: 'x' }, { id: 'p-2', shortCode: 'dos', name: 'y' }]);
    expect(settings.readerLists).toEqual({ 'p-1': { statement: '{"v":1}', signature: 'c2ln' } });
  });

  it('should fetch only /assets/ paths that the manifest lists', async () => {
    const served = await fetchServed(origin, await fetchManifest(origin), [], []);
    expect([...served.assets.keys()]).toEqual(['/assets/a.js']);
  });
});
