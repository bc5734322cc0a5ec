/**
 * Who reads a plant's mail, said where the worker meets the address: the poster, the form's
 * no-JavaScript notice and the mail acknowledgement, from facilities.mail_send_to (docs/email.md).
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINES } from '../../src/domain/clocks';
import { acknowledgementText } from '../../src/email/acknowledgement';
import { makeFacility, sodium } from './helpers';

const MONITOR_ONLY = 'Los correos a esta dirección los lee el monitor de neutralidad de la empresa. La autoridad laboral no los ve.';
const BOTH = 'Los correos a esta dirección los leen el monitor de neutralidad de la empresa y la autoridad laboral.';
const WIDEN = 'desde la página de seguimiento con tu código';

/** A page as text, without tags, with its entities decoded. */
const pageText = async (path: string) =>
  (await (await SELF.fetch(`https://buzon.test${path}`)).text())
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

describe('who reads a mail', () => {
  it('should say it on the poster and the no-JavaScript notice, as the plant has it set', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const code = (await env.DB.prepare('SELECT short_code FROM facilities WHERE id = ?1').bind(f.id).first<{ short_code: string }>())!.short_code;
    await env.DB.prepare("UPDATE facilities SET mail_send_to = 'monitor' WHERE id = ?1").bind(f.id).run();
    const poster = await pageText(`/f/${code}/cartel`);
    expect(poster).toContain(MONITOR_ONLY);
    expect(poster).toContain(WIDEN);
    expect(poster).not.toContain('Tú decides quién lo lee');
    expect(await pageText(`/f/${code}`)).toContain(MONITOR_ONLY);

    await env.DB.prepare("UPDATE facilities SET mail_send_to = 'both' WHERE id = ?1").bind(f.id).run();
    const both = await pageText(`/f/${code}/cartel`);
    expect(both).toContain(BOTH);
    expect(both).not.toContain(MONITOR_ONLY);
  });

  it('should name in the acknowledgement who the mail was sealed to, and how to bring in the authority', () => {
    const base = { caseRef: 'abcd1234', code: 'X', origin: 'https://buzon.test', constancia: null, deadlines: { ...DEFAULT_DEADLINES, acknowledge: 5 } };
    const monitor = acknowledgementText('es', { ...base, sentTo: 'monitor' });
    expect(monitor).toContain(MONITOR_ONLY);
    expect(monitor).toContain(WIDEN);
    // The plant's own deadline, not the default.
    expect(monitor).toContain('En 5 días o menos');
    const both = acknowledgementText('es', { ...base, sentTo: 'both' });
    expect(both).toContain(BOTH);
    expect(both).not.toContain(WIDEN);
    expect(acknowledgementText('en', { ...base, sentTo: 'authority' })).toContain('Mail to this address is read only by the labor authority.');
  });
});
