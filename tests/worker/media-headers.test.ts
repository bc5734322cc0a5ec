/**
 * The microphone and media sources, page by page: only the pages that record ("Grabar mi voz" on
 * the report form and on the follow-up answer) may ask for the microphone, only they and the
 * console may play blob: audio, and every other response keeps both closed. Opening them changes
 * nothing else in either header.
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
    formAction: /(?:^|;\s*)form-action ([^;]*)/.exec(csp)?.[1],
    /** The headers with their media parts (and the form target) taken out: what must be the same on every response. */
    cspRest: csp.split(/;\s*/).filter((d) => !d.startsWith('media-src ') && !d.startsWith('form-action ')).join('; '),
    permissionsRest: permissions.replace(/microphone=[^,]*/, 'microphone=?'),
  };
}

const RECORD_AND_PLAY = { microphone: '(self)', mediaSrc: 'blob:' };
const PLAY_ONLY = { microphone: '()', mediaSrc: 'blob:' };
const CLOSED = { microphone: '()', mediaSrc: null };

describe('media headers, page by page', () => {
  it('should open exactly what each page needs, and nothing else', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { results } = await env.DB.prepare('SELECT short_code FROM facilities WHERE id = ?1').bind(f.id).all<{ short_code: string }>();
    const expected: Array<[string, { microphone: string; mediaSrc: string | null }]> = [
      // The report form: records the worker's voice and plays the disguised copy back.
      ['/', RECORD_AND_PLAY],
      ['/?lang=en', RECORD_AND_PLAY],
      [`/f/${results[0]!.short_code}`, RECORD_AND_PLAY],
      // The follow-up page: records an answer's voice, plays the thread's recordings.
      ['/seguimiento', RECORD_AND_PLAY],
      ['/seguimiento?lang=en', RECORD_AND_PLAY],
      // The console plays decrypted recordings; it never records.
      ['/console', PLAY_ONLY],
      ['/console?lang=en', PLAY_ONLY],
      // Everything else: both closed.
      ...['/sin-rastro', '/transparencia', '/constancia', '/.well-known/buzon-build.json', '/f/no-such-code', '/no-such-page', '/healthz', '/api/challenge?facility=nope', '/console/api/cases', '/api/mailbox/challenge', '/assets/follow-up.js', '/assets/voice.js'].map(
        (path) => [path, CLOSED] as [string, typeof CLOSED],
      ),
    ];
    const closed = media(await get('/transparencia'));
    expect(closed.cspRest).toContain("default-src 'none'");
    expect(closed.permissionsRest).toBe('geolocation=(), microphone=?, camera=(), interest-cohort=()');
    for (const [path, want] of expected) {
      const res = await get(path);
      const m = media(res);
      expect({ microphone: m.microphone, mediaSrc: m.mediaSrc }, `${path} (${res.status})`).toEqual(want);
      // Nothing else opens with it: the rest of both headers is the same as on a closed page.
      expect(m.cspRest, path).toBe(closed.cspRest);
      expect(m.permissionsRest, path).toBe(closed.permissionsRest);
      // Only the constancia check's form posts natively, to this origin; no other response allows a native form.
      expect(m.formAction, path).toBe(path === '/constancia' ? "'self'" : "'none'");
    }
    // The pages that open something did answer (not an error page with its own headers).
    for (const path of ['/', '/seguimiento', '/console']) expect((await get(path)).status, path).toBe(200);
  });
});
