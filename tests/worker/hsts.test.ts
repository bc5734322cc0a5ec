/**
 * HSTS: every response served over https tells the browser to use only https on this domain (and its
 * subdomains) for two years, preload-eligible; a plain-http response (local `npm start`) never does,
 * so a developer's browser does not pin 127.0.0.1 or localhost to https.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

const HSTS = 'max-age=63072000; includeSubDomains; preload';

/** Pages, API answers good and bad, assets, a not-found page and a refused body: every kind of response. */
const requests: Array<[string, RequestInit?]> = [
  ['/'],
  ['/?lang=en'],
  ['/seguimiento'],
  ['/console'],
  ['/constancia'],
  ['/transparencia'],
  ['/sin-rastro'],
  ['/healthz'],
  ['/.well-known/buzon-build.json'],
  ['/.well-known/buzon-constancia.json'],
  ['/assets/report.js'],
  ['/no-such-page'],
  ['/api/no-such-route'],
  ['/api/challenge?facility=nope'],
  ['/console/api/cases'],
  ['/api/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }],
];

describe('Strict-Transport-Security', () => {
  it('should be on every response served over https', async () => {
    for (const [path, init] of requests) {
      const res = await SELF.fetch(`https://buzon.test${path}`, init);
      await res.arrayBuffer();
      expect(res.headers.get('strict-transport-security'), `${init?.method ?? 'GET'} ${path} (${res.status})`).toBe(HSTS);
    }
  });

  it('should never be on a response served over plain http', async () => {
    for (const [path, init] of requests) {
      const res = await SELF.fetch(`http://127.0.0.1:8787${path}`, init);
      await res.arrayBuffer();
      expect(res.headers.get('strict-transport-security'), `${init?.method ?? 'GET'} ${path} (${res.status})`).toBeNull();
    }
  });
});
