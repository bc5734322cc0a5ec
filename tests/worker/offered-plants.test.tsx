/**
 * A plant is offered to workers (its form at /f/<code>, its place in the list at /) only once the
 * administrator has signed its reader list with someone on it, and the form offers only the
 * recipient choices that list really has: no "only the monitor" without a signed monitor, no
 * authority without a signed official of the plant's jurisdiction.
 */
import { SELF, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { recipientKeysFromSeed, signReaderList, toB64, type RecipientKeys, type Sodium } from '../../src/crypto';
import { SAVE_READER_LIST_SQL } from '../../src/storage/reader-lists';
import { makeFacility, signReaderLists, sodium } from './helpers';

const page = async (path: string) => {
  const res = await SELF.fetch(`https://buzon.test${path}`);
  return { status: res.status, html: await res.text() };
};

let s: Sodium;
let n = 0;

/** A plant with only the readers asked for, written as rows; its list is not signed. */
async function plant(readers: { monitor?: boolean; official?: boolean }) {
  const id = `o-${s.to_hex(s.randombytes_buf(5))}`;
  const code = `o${++n}${id.slice(2, 7)}`;
  const state = `state-${id}`;
  const key = (): RecipientKeys => recipientKeysFromSeed(s, s.randombytes_buf(32));
  const insert = (k: RecipientKeys, role: string, scope: string | null) =>
    env.DB.prepare(
      `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem, scope_state) VALUES (?1, ?2, 'L', ?3, ?4, 'c2FsdA', 2, 67108864, ?5)`,
    ).bind(k.keyId, role, toB64(s, k.box.publicKey), toB64(s, k.sign.publicKey), scope);
  const monitor = key();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO facilities (id, name, short_code, email_local, state, municipality, sector) VALUES (?1, ?2, ?3, ?3, ?4, 'Silao', 'automotive')`,
    ).bind(id, `Planta ${id}`, code, state),
    ...(readers.monitor
      ? [insert(monitor, 'monitor', null), env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(monitor.keyId, id)]
      : []),
    ...(readers.official ? [insert(key(), 'official', state)] : []),
  ]);
  return { id, code, monitor };
}

/** The recipient choices the page renders. */
const choices = (html: string) => [...html.matchAll(/<input type="radio" id="send-to-(\w+)"/g)].map((m) => m[1]);
const shown = (html: string, id: string) => new RegExp(`<p class="hint" id="${id}">`).test(html);

beforeAll(async () => {
  s = await sodium();
  // Another plant, signed, so / has a form whatever else this file does.
  await makeFacility(s);
});

describe('a plant the form offers', () => {
  it('should not offer a plant whose reader list is not signed, at its link or in the list, and say why instead', async () => {
    const p = await plant({ monitor: true, official: true });
    for (const lang of ['es', 'en']) {
      const { status, html } = await page(`/f/${p.code}?lang=${lang}`);
      expect(status).toBe(200);
      expect(html).not.toContain('<form id="report"');
      expect(html).not.toContain('/assets/report.js');
      expect(html).toContain('id="closed"');
      expect(html).toContain(lang === 'es' ? 'todavía no recibe reportes por aquí' : 'cannot receive reports here yet');
    }
    expect((await page('/')).html).not.toContain(`value="${p.id}"`);

    // Signed: its form, with every choice, and a place in the list.
    await signReaderLists(s, [p.id]);
    const signed = await page(`/f/${p.code}`);
    expect(signed.html).toContain('<form id="report"');
    expect(choices(signed.html)).toEqual(['monitor', 'authority', 'both']);
    expect(shown(signed.html, 'send-to-no-monitor')).toBe(false);
    expect((await page('/')).html).toContain(`<option value="${p.id}" data-code="${p.code}" data-send-to="monitor authority both">`);
  });

  it('should not offer a plant whose list was signed by another key, or names nobody who can read', async () => {
    const forged = await plant({ monitor: true });
    const other = s.crypto_sign_keypair();
    const readers = [
      {
        keyId: forged.monitor.keyId,
        role: 'monitor' as const,
        label: 'L',
        boxPk: toB64(s, forged.monitor.box.publicKey),
        signPk: toB64(s, forged.monitor.sign.publicKey),
        recipient: true,
      },
    ];
    const list = signReaderList(s, { v: 1, facility: forged.id, issued: new Date().toISOString(), readers }, other.privateKey);
    await env.DB.prepare(SAVE_READER_LIST_SQL).bind(forged.id, list.statement, list.signature).run();
    expect((await page(`/f/${forged.code}`)).html).toContain('id="closed"');

    // Its only monitor retired: the signed list keeps them as a signer, not a recipient.
    const retired = await plant({ monitor: true });
    await env.DB.prepare("UPDATE recipients SET status = 'retired' WHERE key_id = ?1").bind(retired.monitor.keyId).run();
    await signReaderLists(s, [retired.id]);
    expect((await page(`/f/${retired.code}`)).html).toContain('id="closed"');
    expect((await page('/')).html).not.toContain(`value="${retired.id}"`);
  });

  it('should offer no "only the monitor" choice at a plant without a monitor, and no authority choice without an official', async () => {
    const noMonitor = await plant({ official: true });
    await signReaderLists(s, [noMonitor.id]);
    const a = await page(`/f/${noMonitor.code}`);
    expect(choices(a.html)).toEqual(['authority']);
    expect(a.html).not.toContain('Solo el monitor');
    expect(shown(a.html, 'send-to-no-monitor')).toBe(true);
    expect(shown(a.html, 'send-to-no-authority')).toBe(false);

    const noOfficial = await plant({ monitor: true });
    await signReaderLists(s, [noOfficial.id]);
    const m = await page(`/f/${noOfficial.code}?lang=en`);
    expect(choices(m.html)).toEqual(['monitor']);
    expect(shown(m.html, 'send-to-no-authority')).toBe(true);

    // In the list, each plant names its own choices for the script to show.
    const list = (await page('/')).html;
    expect(list).toContain(`<option value="${noMonitor.id}" data-code="${noMonitor.code}" data-send-to="authority">`);
    expect(list).toContain(`<option value="${noOfficial.id}" data-code="${noOfficial.code}" data-send-to="monitor">`);
  });
});
