/**
 * The microphone and media sources, page by page: only the report form may ask for the
 * microphone (for "Grabar mi voz"), only the report form and the console may play blob: audio,
 * and every other response keeps both closed.
 */
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { makeFacility, sodium } from './helpers';

const get = (path: string) => SELF.fetch(`https://buzon.test${path}`);

function media(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  const permissions = res.headers.get('permissions-policy') ?? '';
  return {
    microphone: /(?:^|,\s*)microphone=([^,]*)/.exec(permissions)?.[1],
    mediaSrc: /(?:^|;\s*)media-src ([^;]*)/.exec(csp)?.[1] ?? null,
    csp,
    permissions,
  };
}

describe('media headers, page by page', () => {
  it('should open the microphone to this origin and blob: playback on the report form only', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { results } = await env.DB.prepare('SELECT short_code FROM facilities WHERE id = ?1').bind(f.id).all<{ short_code: string }>();
    for (const path of ['/', '/?lang=en', `/f/${results[0]!.short_code}`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const m = media(res);
      expect(m.microphone, path).toBe('(self)');
      expect(m.mediaSrc, path).toBe('blob:');
      // Nothing else opens with it.
      expect(m.permissions, path).toContain('camera=()');
      expect(m.permissions, path).toContain('geolocation=()');
      expect(m.csp, path).toContain("default-src 'none'");
      expect(m.csp, path).toContain("connect-src 'self'");
    }
  });

  it('should let the console play decrypted recordings, with the microphone still closed', async () => {
    const m = media(await get('/console'));
    expect(m.mediaSrc).toBe('blob:');
    expect(m.microphone).toBe('()');
  });

  it('should keep the microphone and media closed everywhere else', async () => {
    for (const path of ['/seguimiento', '/sin-rastro', '/transparencia', '/constancia', '/.well-known/buzon-build.json', '/f/no-such-code', '/no-such-page', '/healthz', '/api/challenge?facility=nope', '/console/api/cases']) {
      const res = await get(path);
      const m = media(res);
      expect(m.microphone, `${path} (${res.status})`).toBe('()');
      expect(m.mediaSrc, `${path} (${res.status})`).toBeNull();
      expect(m.csp, path).toContain("default-src 'none'");
    }
  });
});
