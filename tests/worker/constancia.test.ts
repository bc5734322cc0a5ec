/**
 * The constancia (proof of filing) through the real Worker: issued when a report is stored (web
 * form and mail), signed again on the follow-up page, checked by /constancia and its JSON twin,
 * and never linkable to the stored report: neither its commitment nor its signature is in D1 or KV.
 */
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { constanciaKeyFromCode, constanciaOpens, fromB64, toB64, verifyConstancia, type Sodium } from '../../src/crypto';
import { bytes, deliver, mail, parseSent } from './email-helpers';
import { buildSubmission, mailboxProof, makeFacility, post, sodium, type TestFacility } from './helpers';

interface Stored {
  reportId: string;
  receivedDay: string;
  constancia: string | null;
}

async function publicKey(s: Sodium): Promise<Uint8Array> {
  const res = await SELF.fetch('https://buzon.test/.well-known/buzon-constancia.json');
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { publicKey: string; algorithm: string; format: string };
  expect(doc).toMatchObject({ algorithm: 'Ed25519', format: 'BZC1' });
  return fromB64(s, doc.publicKey);
}

/** A web report with the page's constancia key, stored; its code and the server's answer. */
async function submit(s: Sodium, f: TestFacility, withKey = true) {
  const { code, body } = await buildSubmission(s, f);
  if (withKey) body.constancia = { key: toB64(s, constanciaKeyFromCode(s, code)) };
  const res = await post(body);
  expect(res.status).toBe(201);
  return { code, body, stored: (await res.json()) as Stored };
}

async function askFollowUp(s: Sodium, code: string, keyFrom = code) {
  return SELF.fetch('https://buzon.test/api/mailbox/constancia', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...(await mailboxProof(s, code, 'constancia')), key: toB64(s, constanciaKeyFromCode(s, keyFrom)) }),
  });
}

/** Every value D1 and KV hold, as text (hex for binary), for searching. */
async function everythingStored(): Promise<{ text: string; raw: Uint8Array[] }> {
  const parts: string[] = [];
  const raw: Uint8Array[] = [];
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  expect(tables.results.length).toBeGreaterThan(10);
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>();
    for (const row of rows.results) {
      for (const v of Object.values(row)) {
        if (v instanceof ArrayBuffer || ArrayBuffer.isView(v) || Array.isArray(v)) {
          const b = Array.isArray(v) ? Uint8Array.from(v as number[]) : new Uint8Array(v instanceof ArrayBuffer ? v : (v as Uint8Array).buffer);
          raw.push(b);
          parts.push([...b].map((x) => x.toString(16).padStart(2, '0')).join(''));
        } else parts.push(String(v));
      }
    }
  }
  for (const kv of [env.BLOBS, env.STATE]) {
    let cursor: string | undefined;
    do {
      const page = await kv.list({ cursor });
      for (const k of page.keys) {
        parts.push(k.name);
        const value = new Uint8Array((await kv.get(k.name, 'arrayBuffer'))!);
        raw.push(value);
        parts.push(new TextDecoder().decode(value));
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
  return { text: parts.join('\n'), raw };
}

const containsBytes = (hay: Uint8Array, needle: Uint8Array) => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};

describe('constancia on the web form', () => {
  it('should issue a constancia that verifies for the plant and the release day, and opens only with the code', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { code, stored } = await submit(s, f);
    expect(stored.constancia).toMatch(/^BZC1\./);
    const st = verifyConstancia(s, stored.constancia!, await publicKey(s));
    expect(st).toMatchObject({ facility: f.id, day: stored.receivedDay });
    expect(constanciaOpens(s, st!, constanciaKeyFromCode(s, code), stored.reportId)).toBe(true);
    const other = await makeFacility(s);
    const { code: otherCode } = await submit(s, other);
    expect(constanciaOpens(s, st!, constanciaKeyFromCode(s, otherCode), stored.reportId)).toBe(false);
  });

  it('should carry no time of day: only the release day the answer already gives', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { stored } = await submit(s, f);
    const [, , day, commitment, signature] = stored.constancia!.split('.');
    expect(day).toBe(stored.receivedDay);
    expect(stored.constancia!.split('.')).toHaveLength(5);
    expect(fromB64(s, commitment!)).toHaveLength(32);
    expect(fromB64(s, signature!)).toHaveLength(64);
  });

  it('should answer a retry with the same constancia, and never sign a second commitment for one report', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body, stored } = await submit(s, f);
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as Stored).constancia).toBe(stored.constancia);
    const otherKey = await post({ ...body, constancia: { key: toB64(s, s.randombytes_buf(32)) } });
    expect(otherKey.status).toBe(200);
    expect(((await otherKey.json()) as Stored).constancia).toBeNull();
  });

  it('should refuse a constancia key that is not 32 bytes of base64url with a translated 400', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const res = await post({ ...body, constancia: { key: 'A'.repeat(42) + 'B' } }, 'en');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; fields: string[] } }).error).toMatchObject({ code: 'invalid', fields: ['constancia.key'] });
  });

  it('should give two reports of one plant and day constancias that differ only in the commitment and its signature', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const a = (await submit(s, f)).stored.constancia!.split('.');
    const b = (await submit(s, f)).stored.constancia!.split('.');
    expect(a.slice(0, 3)).toEqual(b.slice(0, 3));
    expect(a[3]).not.toBe(b[3]);
    expect(a[4]).not.toBe(b[4]);
  });

  it('should store neither the commitment nor the signature anywhere in D1 or KV', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { code, stored } = await submit(s, f);
    const [, , , commitmentText, signatureText] = stored.constancia!.split('.') as [string, string, string, string, string];
    const commitment = fromB64(s, commitmentText);
    const signature = fromB64(s, signatureText);
    await askFollowUp(s, code); // signing again on the follow-up page stores nothing either
    const all = await everythingStored();
    expect(all.text).toContain(stored.reportId); // the search does see the report's own row
    for (const needle of [commitmentText, signatureText, s.to_hex(commitment), s.to_hex(signature), stored.constancia!, toB64(s, commitment.subarray(0, 12)), s.to_hex(commitment.subarray(0, 12))]) {
      expect(all.text.includes(needle)).toBe(false);
    }
    for (const value of all.raw) {
      expect(containsBytes(value, commitment.subarray(0, 12))).toBe(false);
      expect(containsBytes(value, signature.subarray(0, 12))).toBe(false);
    }
    // What is stored, the key's check, is not the commitment and is no stored column either.
    const row = await env.DB.prepare('SELECT constancia_check AS c, mailbox_id AS m FROM reports WHERE id = ?1').bind(stored.reportId).first<{ c: string; m: string }>();
    expect(row!.c).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row!.c).not.toBe(commitmentText);
    expect(s.to_hex(fromB64(s, row!.c))).not.toContain(row!.m);
  });
});

describe('constancia on the follow-up page', () => {
  it('should sign the very same constancia again for the code holder, with the clocks and the plant name', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { code, stored } = await submit(s, f);
    const res = await askFollowUp(s, code);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { constancia: string; facilityName: string | null; clocks: Record<string, { due: string; day: string | null; outcome: string }> };
    expect(answer.constancia).toBe(stored.constancia);
    // The signed text names the plant by its id; the page shows the name beside it (issue 23).
    expect(answer.constancia.split('.')[1]).toBe(f.id);
    expect(answer.facilityName).toBe(`Planta ${f.id}`);
    expect(answer.clocks.acknowledge).toMatchObject({ day: null, outcome: 'pending' });
    expect(answer.clocks.answer).toMatchObject({ day: null, outcome: 'pending' });
    expect(answer.clocks.acknowledge!.due > stored.receivedDay).toBe(true);
  });

  it('should sign nothing for another key, and nothing without the mailbox proof', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { code } = await submit(s, f);
    const { code: stranger } = await submit(s, f);
    expect((await askFollowUp(s, code, stranger)).status).toBe(409);
    const forged = await SELF.fetch('https://buzon.test/api/mailbox/constancia', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(await mailboxProof(s, stranger, 'constancia')), mailboxId: (await mailboxProof(s, code, 'thread')).mailboxId, key: toB64(s, constanciaKeyFromCode(s, code)) }),
    });
    expect(forged.status).toBe(404);
    const wrongAction = await SELF.fetch('https://buzon.test/api/mailbox/constancia', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(await mailboxProof(s, code, 'thread')), key: toB64(s, constanciaKeyFromCode(s, code)) }),
    });
    expect(wrongAction.status).toBe(404);
  });

  it('should give a report stored before constancias one, bound to the first key its code proves', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { code, stored } = await submit(s, f, false);
    expect(stored.constancia).toBeNull();
    const first = await askFollowUp(s, code);
    expect(first.status).toBe(200);
    const text = ((await first.json()) as { constancia: string }).constancia;
    expect(verifyConstancia(s, text, await publicKey(s))).toMatchObject({ facility: f.id, day: stored.receivedDay });
    expect((await askFollowUp(s, code, (await submit(s, f)).code)).status).toBe(409);
    expect((await (await askFollowUp(s, code)).json()) as { constancia: string }).toMatchObject({ constancia: text });
  });
});

describe('constancia from the mail intake', () => {
  it('should put a constancia that verifies and opens with the mailed code in the acknowledgement', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(f.id).first<{ email_local: string }>();
    const raw = bytes(`From: obrera@example.org\r\nTo: ${row!.email_local}@buzon.test\r\nSubject: Amenazas\r\nMessage-ID: <c-${f.id}@example.org>\r\n\r\nNos dijeron que votaramos por el sindicato de la empresa.\r\n`);
    const m = await mail(raw, { from: 'obrera@example.org', to: `${row!.email_local}@buzon.test` });
    await deliver(m.message);
    expect(m.replies).toHaveLength(1);
    const text = (await parseSent(m.replies[0]!)).text ?? '';
    const constancia = /BZC1\.[A-Za-z0-9._-]+/.exec(text)?.[0];
    const code = /([0-9A-Z]{4}-){4}[0-9A-Z]{4}/.exec(text)?.[0];
    expect(constancia && code).toBeTruthy();
    const st = verifyConstancia(s, constancia!, await publicKey(s));
    const report = await env.DB.prepare('SELECT id, received_day AS day FROM reports WHERE facility_id = ?1').bind(f.id).first<{ id: string; day: string }>();
    expect(st).toMatchObject({ facility: f.id, day: report!.day });
    expect(constanciaOpens(s, st!, constanciaKeyFromCode(s, code!), report!.id)).toBe(true);
    // The mailed code gets the same constancia on the follow-up page.
    expect(((await (await askFollowUp(s, code!)).json()) as { constancia: string }).constancia).toBe(constancia);
  });
});

describe('checking a constancia', () => {
  const check = (text: string, lang = 'es') =>
    SELF.fetch(`https://buzon.test/constancia?lang=${lang}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ constancia: text }) });
  const api = (text: string) => SELF.fetch('https://buzon.test/api/constancia/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ constancia: text }) });

  it('should say valid, for this plant, filed on this day, and set no cookie', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { stored } = await submit(s, f);
    const res = await check(stored.constancia!);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    // The one page whose form posts natively: to this origin, and still no worker.
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(res.headers.get('content-security-policy')).toContain("worker-src 'none'");
    const html = await res.text();
    expect(html).toContain('data-valid="true"');
    expect(html).toContain(`data-facility="${f.id}"`);
    expect(html).toContain(`data-day="${stored.receivedDay}"`);
    expect(html).toContain(`Planta ${f.id}`);
    expect(await (await api(stored.constancia!)).json()).toEqual({ valid: true, facility: f.id, facilityName: `Planta ${f.id}`, day: stored.receivedDay });
  });

  it('should say invalid for another day, another plant or a flipped byte', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { stored } = await submit(s, f);
    const parts = stored.constancia!.split('.');
    const sig = fromB64(s, parts[4]!);
    sig[10] = sig[10]! ^ 0x01;
    const tampered = [
      [parts[0], parts[1], '2020-01-01', parts[3], parts[4]].join('.'),
      [parts[0], 'demo-silao', parts[2], parts[3], parts[4]].join('.'),
      [...parts.slice(0, 4), toB64(s, sig)].join('.'),
      'no es una constancia',
    ];
    for (const text of tampered) {
      expect(await (await check(text)).text()).toContain('data-valid="false"');
      expect(await (await api(text)).json()).toEqual({ valid: false, reason: 'invalid' });
    }
    expect((await api('')).status).toBe(400);
  });

  it('should render the empty page in both languages with the public key', async () => {
    const s = await sodium();
    const key = toB64(s, await publicKey(s));
    for (const [lang, words] of [['es', 'Comprobar'], ['en', 'Check']] as const) {
      const html = await (await SELF.fetch(`https://buzon.test/constancia?lang=${lang}`)).text();
      expect(html).toContain(words);
      expect(html).toContain(key);
      expect(html).not.toContain('verify-result');
    }
  });
});
