/**
 * Mail as phones, webmail and gateways really write it, beyond the shared fixtures: placeholder or
 * reused Message-IDs, CSS beside plain text, HTML tables and entities, files attached "inline",
 * UTF-8 under a wrong charset label, and senders on internationalized domains.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fromB64 } from '../../src/crypto';
import { makeFacility, sodium } from './helpers';
import { bytes, deliver, mail, openReport, parseSent, randomSender, reportsOf } from './email-helpers';

async function setup() {
  const s = await sodium();
  const f = await makeFacility(s);
  const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(f.id).first<{ email_local: string }>();
  return { s, f, to: `${row!.email_local}@buzon.test`, sender: randomSender(s) };
}

type Setup = Awaited<ReturnType<typeof setup>>;

function message(sender: string, headers: string, body: string) {
  return bytes(`From: <${sender}>\r\nSubject: Reporte\r\nDate: Tue, 3 Mar 2026 14:37:00 -0600\r\n${headers}\r\n${body}`);
}

/** Delivers each message in turn and gives what the facility's monitor reads, and the replies. */
async function deliverAll(t: Setup, raws: Uint8Array[], from = t.sender) {
  const replies = [];
  for (const raw of raws) {
    const m = await mail(raw, { from, to: t.to });
    await deliver(m.message);
    replies.push(...m.replies);
  }
  const stored = await reportsOf(t.f.id);
  const opened = await Promise.all(stored.map((r) => openReport(t.s, r.id, t.f.monitor)));
  return { opened, replies };
}

const b64 = (data: Uint8Array) => btoa(String.fromCharCode(...data));

describe('email intake: message ids that do not tell messages apart', () => {
  it('should store two different messages that both carry the placeholder Message-ID <>', async () => {
    const t = await setup();
    const { opened, replies } = await deliverAll(t, [
      message(t.sender, 'Message-ID: <>\r\nContent-Type: text/plain; charset=utf-8\r\n', 'Primer aviso: nos amenazaron.\r\n'),
      message(t.sender, 'Message-ID: <>\r\nContent-Type: text/plain; charset=utf-8\r\n', 'Segundo aviso: nos cambiaron de turno.\r\n'),
    ]);
    expect(opened.map((r) => r.text.trim()).sort()).toEqual(['Primer aviso: nos amenazaron.', 'Segundo aviso: nos cambiaron de turno.']);
    expect(replies).toHaveLength(2);
    expect((await parseSent(replies[0]!)).inReplyTo).toBeUndefined(); // "<>" is not an id to answer
  });

  it('should store a new message that reuses an earlier Message-ID, yet recognise a relayed copy', async () => {
    const t = await setup();
    const id = 'Message-ID: <reutilizado@telefono.example>\r\nContent-Type: text/plain; charset=utf-8\r\n';
    const first = message(t.sender, id, 'El supervisor nos dijo por quién votar.\r\n');
    // The same message again, through another relay: new trace headers, the same body.
    const relayed = bytes(`Received: from otro-relevo.example by mx.example.net\r\nARC-Seal: i=1; cv=none\r\n${new TextDecoder().decode(first)}`);
    const reused = message(t.sender, id, 'Hoy despidieron a dos compañeros del sindicato.\r\n');
    const { opened, replies } = await deliverAll(t, [first, relayed, reused]);
    expect(opened.map((r) => r.text.trim()).sort()).toEqual(['El supervisor nos dijo por quién votar.', 'Hoy despidieron a dos compañeros del sindicato.']);
    expect(replies).toHaveLength(2);
  });
});

describe('email intake: turning mail into text', () => {
  it('should leave out the CSS of an HTML part that comes after a plain-text part', async () => {
    const t = await setup();
    const raw = message(
      t.sender,
      'Message-ID: <css@telefono.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n',
      [
        '--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPrimera parte en texto.\r\n',
        '--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<style>p{margin:0;color:blue}</style><p>Segunda parte en HTML.</p>\r\n',
        '--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: Reenviado\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<style>.x{color:red;font-size:30px}</style><div class="x">Texto reenviado.</div>\r\n',
        '--b1--\r\n',
      ].join(''),
    );
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text).toContain('Primera parte en texto.');
    expect(report!.text).toContain('Segunda parte en HTML.');
    expect(report!.text).toContain('Texto reenviado.');
    expect(report!.text).not.toMatch(/color|margin|font-size|[{}]/);
  });

  it('should keep table cells apart and decode every named entity of HTML-only mail', async () => {
    const t = await setup();
    const html =
      '<table><tr><th>Nombre</th><th>Turno</th></tr><tr><td>Supervisor Ramírez</td><td>Nocturno</td></tr></table>' +
      '<p>&Agrave; &ccedil; &eacute &frac12; &times; &rarr; &trade; &ntilde;o&nbsp;fin &amp;lt;b&amp;gt;</p>';
    const raw = message(t.sender, 'Message-ID: <tabla@telefono.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n', html);
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text.split('\n')).toEqual(expect.arrayContaining(['Nombre | Turno', 'Supervisor Ramírez | Nocturno']));
    expect(report!.text).toContain('À ç é ½ × → ™ ño fin &lt;b&gt;'); // decoded once: "&amp;lt;" stays "&lt;"
  });

  it('should keep text and HTML files attached "inline" with a name as files, byte for byte', async () => {
    const t = await setup();
    const firmas = new Uint8Array([...bytes('Firmas de apoyo: Jos'), 0xe9, ...bytes(', Mar'), 0xed, ...bytes('a\r\n')]); // Latin-1
    const recibo = bytes('<html><body><p>Recibo de n&oacute;mina</p></body></html>');
    const raw = message(
      t.sender,
      'Message-ID: <inline@telefono.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b2"\r\n',
      [
        '--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLes mando las firmas.\r\n',
        `--b2\r\nContent-Type: text/plain; charset=iso-8859-1; name="firmas.txt"\r\nContent-Disposition: inline; filename="firmas.txt"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(firmas)}\r\n`,
        `--b2\r\nContent-Type: text/html; name="recibo.html"\r\nContent-Disposition: inline; filename="recibo.html"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(recibo)}\r\n`,
        '--b2--\r\n',
      ].join(''),
    );
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text.trim()).toBe('Les mando las firmas.');
    expect(report!.attachments.map((a) => [a.name, a.type])).toEqual([
      // Named by type, as web evidence is: the sender's file names are not kept.
      ['texto-1.txt', 'text/plain'],
      ['texto-2.html', 'text/html'],
    ]);
    expect(fromB64(t.s, report!.attachments[0]!.data)).toEqual(firmas);
    expect(fromB64(t.s, report!.attachments[1]!.data)).toEqual(recibo);
  });

  it('should read UTF-8 sent under a us-ascii label as UTF-8, and keep the raw message too', async () => {
    const t = await setup();
    const raw = message(t.sender, 'Message-ID: <ascii@telefono.example>\r\nContent-Type: text/plain; charset=us-ascii\r\n', 'El jefe amenazó a los compañeros. ¿Qué hacemos? ÉL DIJO: «NO»\r\n');
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text.trim()).toBe('El jefe amenazó a los compañeros. ¿Qué hacemos? ÉL DIJO: «NO»');
    expect(report!.raw).toBeDefined(); // a guess, so the original bytes go along
  });

  it('should leave real Latin-1 text alone', async () => {
    const t = await setup();
    const body = new Uint8Array([...bytes('Compa'), 0xf1, ...bytes('eros, nos amenaz'), 0xf3, ...bytes(' el jefe.\r\n')]);
    const head = message(t.sender, 'Message-ID: <latin1@telefono.example>\r\nContent-Type: text/plain; charset=iso-8859-1\r\n', '');
    const [report] = (await deliverAll(t, [new Uint8Array([...head, ...body])])).opened;
    expect(report!.text.trim()).toBe('Compañeros, nos amenazó el jefe.');
    expect(report!.raw).toBeUndefined();
  });
});

describe('email intake: text that must be left as it is', () => {
  it('should not take accented words beside quotes or dashes for misread UTF-8', async () => {
    const t = await setup();
    const words = 'Me dijo «sí». Está—dijo—prohibido. Déjà… café\u00a0!';
    const raw = message(t.sender, 'Message-ID: <acentos@telefono.example>\r\nContent-Type: text/plain; charset=utf-8\r\n', `${words}\r\n`);
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text.trim()).toBe(words);
    expect(report!.raw).toBeUndefined();
  });

  it('should read HTML full of unclosed comments, styles and tags without stalling, keeping the words before them', async () => {
    const t = await setup();
    const html = `<p>Antes del desorden.</p>${'<!--x'.repeat(20_000)}`;
    const styles = `<p>Otra parte.</p>${'<p'.repeat(50_000)}${'<style>a'.repeat(20_000)}`;
    const raw = message(
      t.sender,
      'Message-ID: <desorden@telefono.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="h1"\r\n',
      `--h1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--h1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${styles}\r\n--h1--\r\n`,
    );
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text).toContain('Antes del desorden.');
    expect(report!.text).not.toContain('<!--');
  });

  it("should keep a link's address as the browser reads it", async () => {
    const t = await setup();
    const html = '<p>Ver <a href="https://ejemplo.org/aviso?a=1&para=2&amp;b=3">el aviso</a></p>';
    const raw = message(t.sender, 'Message-ID: <enlace@telefono.example>\r\nContent-Type: text/html; charset=utf-8\r\n', html);
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text).toBe('Ver el aviso (https://ejemplo.org/aviso?a=1&para=2&b=3)');
  });

  it('should use the words a text-message gateway sends as a named part as the text, and keep the file under a neutral name', async () => {
    const t = await setup();
    const raw = message(
      t.sender,
      'Message-ID: <mms@gateway.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="m1"\r\n',
      '--m1\r\nContent-Type: text/plain; charset=utf-8; name="text_0.txt"\r\nContent-Disposition: inline; filename="text_0.txt"\r\n\r\nNos amenazaron en la junta.\r\n--m1--\r\n',
    );
    const [report] = (await deliverAll(t, [raw])).opened;
    expect(report!.text.trim()).toBe('Nos amenazaron en la junta.');
    expect(report!.attachments.map((a) => a.name)).toEqual(['texto-1.txt']);
  });
});

describe('email intake: acknowledgements', () => {
  it('should answer a sender on an internationalized top-level domain', async () => {
    const t = await setup();
    const from = `obrero.${t.s.to_hex(t.s.randombytes_buf(3))}@correo.xn--p1ai`;
    const raw = message(from, 'Message-ID: <idn@telefono.example>\r\nContent-Type: text/plain; charset=utf-8\r\n', 'Nos quitaron el turno por el sindicato.\r\n');
    const { opened, replies } = await deliverAll(t, [raw], from);
    expect(opened).toHaveLength(1);
    expect(replies).toHaveLength(1);
    expect((await parseSent(replies[0]!)).to?.map((a) => a.address)).toEqual([from]);
  });
});
