import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  deriveMailbox,
  fromB64,
  fromUtf8,
  mailboxMessage,
  newReceiptCode,
  openEnvelope,
  sealEnvelope,
  signProof,
  toB64,
  utf8,
  type Sodium,
} from '../../src/crypto';
import { verifyAuditChain } from '../../src/storage/audit';
import { buildSubmission, makeFacility, post, releaseNow, sodium, type TestFacility } from './helpers';
import { api, signIn } from './console-helpers';

type Keyed = { keyId: string; boxPk: string };

function sealMessage(s: Sodium, text: string, reportId: string, facilityId: string, to: Keyed[]) {
  const id = s.to_hex(s.randombytes_buf(16));
  const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text })), { kind: 'message', reportId, messageId: id, facilityId }, to.map((t) => ({ keyId: t.keyId, boxPublicKey: fromB64(s, t.boxPk) })));
  return { id, envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } };
}

async function mailboxProof(s: Sodium, code: string, action: (mailboxId: string) => string) {
  const mailbox = deriveMailbox(s, code);
  const { challenge } = (await (await api('/api/mailbox/challenge')).json()) as { challenge: string };
  const signature = toB64(s, signProof(s, mailboxMessage(challenge, mailbox.mailboxId, action(mailbox.mailboxId)), mailbox.sign.privateKey));
  return { mailbox, proof: { mailboxId: mailbox.mailboxId, challenge, signature } };
}

async function submitted(s: Sodium, f: TestFacility) {
  const sub = await buildSubmission(s, f);
  expect((await post(sub.body)).status).toBe(201);
  await releaseNow();
  return { reportId: sub.body.reportId as string, code: sub.code };
}

describe('replies and the worker follow-up', () => {
  it('should carry a reply to the worker, and the worker answer back to the monitor', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { reportId, code } = await submitted(s, f);
    const token = await signIn(s, f.monitor);
    const detail = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { sealTo: { reply: Keyed[] } };
    expect(detail.sealTo.reply.map((k) => k.keyId)).toContain('mailbox');
    const reply = sealMessage(s, 'Gracias. ¿Puedes decirnos el turno?', reportId, f.id, detail.sealTo.reply);
    expect((await api(`/console/api/cases/${reportId}/messages`, { token, body: { ...reply, kind: 'reply' } })).status).toBe(201);
    expect((await api(`/console/api/cases/${reportId}/messages`, { token, body: { ...reply, kind: 'reply' } })).status).toBe(200);
    const day = await env.DB.prepare('SELECT first_reply_day AS d FROM reports WHERE id = ?1').bind(reportId).first<{ d: string }>();
    expect(day!.d).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The worker reads it with the receipt code.
    const { mailbox, proof } = await mailboxProof(s, code, () => 'thread');
    const res = await api('/api/mailbox/thread', { body: proof });
    expect(res.status).toBe(200);
    const thread = (await res.json()) as { case: { id: string; sides: Array<{ side: string; status: string }> }; messages: Array<{ id: string; body: string; sealed: string; authorRole: string }>; sealTo: Keyed[] };
    // The monitor's reply acknowledged the company's side only; the authority has not read it yet.
    expect(thread.case.sides).toEqual([{ side: 'company', status: 'acknowledged' }, { side: 'authority', status: 'new' }]);
    expect(thread.messages).toHaveLength(1);
    const m = thread.messages[0]!;
    const text = JSON.parse(fromUtf8(openEnvelope(s, fromB64(s, m.body), fromB64(s, m.sealed), mailbox.box, { kind: 'message', reportId, messageId: m.id, facilityId: f.id }))).text;
    expect(text).toBe('Gracias. ¿Puedes decirnos el turno?');
    expect(m).not.toHaveProperty('authorKey'); // which monitor wrote is not the worker's business

    // The worker answers; the monitor can read it, an internal note stays out of the worker's view.
    const answer = sealMessage(s, 'Fue el turno de noche.', reportId, f.id, [{ keyId: 'mailbox', boxPk: toB64(s, mailbox.box.publicKey) }, ...thread.sealTo]);
    const signed = await mailboxProof(s, code, () => `answer:${answer.id}`);
    expect((await api('/api/mailbox/messages', { body: { ...signed.proof, message: answer } })).status).toBe(201);
    const note = sealMessage(s, 'Nota interna: revisar cámaras', reportId, f.id, [{ keyId: f.monitor.keyId, boxPk: toB64(s, f.monitor.box.publicKey) }]);
    expect((await api(`/console/api/cases/${reportId}/messages`, { token, body: { ...note, kind: 'note' } })).status).toBe(201);
    // The answer waits for its release: until then the monitor's thread has no trace of it.
    const waiting = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { messages: Array<{ kind: string; seq: number }> };
    expect(waiting.messages.map((x) => [x.kind, x.seq])).toEqual([['reply', 1], ['note', 2]]);
    await releaseNow();
    const after = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { messages: Array<{ id: string; kind: string; body: string; sealed: string }> };
    expect(after.messages.map((x) => x.kind)).toEqual(['reply', 'answer', 'note']);
    const fromWorker = after.messages[1]!;
    expect(JSON.parse(fromUtf8(openEnvelope(s, fromB64(s, fromWorker.body), fromB64(s, fromWorker.sealed), f.monitor.box, { kind: 'message', reportId, messageId: fromWorker.id, facilityId: f.id }))).text).toBe('Fue el turno de noche.');
    const workerView = await mailboxProof(s, code, () => 'thread');
    const kinds = ((await (await api('/api/mailbox/thread', { body: workerView.proof })).json()) as { messages: Array<{ kind: string }> }).messages.map((x) => x.kind);
    expect(kinds).toEqual(['reply', 'answer']);
  });

  it('should answer a wrong code exactly like a case that does not exist', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { code } = await submitted(s, f);
    const wrong = await mailboxProof(s, newReceiptCode(s), () => 'thread');
    // Right mailbox id, signature by someone without the code.
    const real = deriveMailbox(s, code);
    const forged = await mailboxProof(s, newReceiptCode(s), () => 'thread');
    const forgedProof = { ...forged.proof, mailboxId: real.mailboxId };
    const a = await api('/api/mailbox/thread', { body: wrong.proof });
    const b = await api('/api/mailbox/thread', { body: forgedProof });
    expect(a.status).toBe(404);
    expect(b.status).toBe(404);
    expect(await a.text()).toBe(await b.text());
  });

  it('should refuse a worker answer that is not sealed to the case readers and the mailbox', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { code, reportId } = await submitted(s, f);
    const mailbox = deriveMailbox(s, code);
    const answer = sealMessage(s, 'solo para mí', reportId, f.id, [{ keyId: 'mailbox', boxPk: toB64(s, mailbox.box.publicKey) }]);
    const signed = await mailboxProof(s, code, () => `answer:${answer.id}`);
    const res = await api('/api/mailbox/messages', { body: { ...signed.proof, message: answer } });
    expect(res.status).toBe(422);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM messages WHERE id = ?1').bind(answer.id).first<{ n: number }>())!.n).toBe(0);
  });

  it('should stop the acknowledgement clock only with a reply, not with a status change or a note', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { reportId } = await submitted(s, f);
    const token = await signIn(s, f.monitor);
    await api(`/console/api/cases/${reportId}/triage`, { token, body: { status: 'acknowledged' } });
    const note = sealMessage(s, 'nota', reportId, f.id, [{ keyId: f.monitor.keyId, boxPk: toB64(s, f.monitor.box.publicKey) }]);
    await api(`/console/api/cases/${reportId}/messages`, { token, body: { ...note, kind: 'note' } });
    const row = await env.DB.prepare('SELECT first_reply_day AS d, status FROM reports WHERE id = ?1').bind(reportId).first();
    expect(row).toEqual({ d: null, status: 'acknowledged' });
  });
});

describe('bodies stored in KV before migration 0008', () => {
  it('should still open for the monitor and the worker once moved out of D1', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { reportId, code } = await submitted(s, f);
    const token = await signIn(s, f.monitor);
    const detail = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { body: string; sealTo: { reply: Keyed[] } };
    const reply = sealMessage(s, 'Respuesta de antes', reportId, f.id, detail.sealTo.reply);
    expect((await api(`/console/api/cases/${reportId}/messages`, { token, body: { ...reply, kind: 'reply' } })).status).toBe(201);
    // Put the bodies where an older Buzón kept them: KV, under the same keys, and nothing in D1.
    const { results } = await env.DB.prepare("SELECT key, body FROM sealed_bodies WHERE key LIKE 'report/' || ?1 || '/%'").bind(reportId).all<{ key: string; body: string }>();
    expect(results).toHaveLength(2);
    for (const r of results) await env.BLOBS.put(r.key, r.body);
    await env.DB.prepare("DELETE FROM sealed_bodies WHERE key LIKE 'report/' || ?1 || '/%'").bind(reportId).run();
    const again = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { body: string; messages: Array<{ body: string }> };
    expect(again.body).toBe(detail.body);
    expect(again.messages.map((m) => m.body)).toEqual([reply.envelope.body]);
    const { proof } = await mailboxProof(s, code, () => 'thread');
    const thread = (await (await api('/api/mailbox/thread', { body: proof })).json()) as { messages: Array<{ body: string }> };
    expect(thread.messages.map((m) => m.body)).toEqual([reply.envelope.body]);
  });
});

describe('audit log', () => {
  it('should chain every action, and name the first broken link after tampering', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { reportId } = await submitted(s, f);
    const token = await signIn(s, f.monitor);
    await api(`/console/api/cases/${reportId}`, { token });
    await api(`/console/api/cases/${reportId}/triage`, { token, body: { status: 'acknowledged' } });
    await api(`/console/api/cases/${reportId}/triage`, { token, body: { assignee: f.monitor.keyId } });
    const actions = (await env.DB.prepare('SELECT action FROM audit_log WHERE report_id = ?1 ORDER BY seq').bind(reportId).all<{ action: string }>()).results.map((r) => r.action);
    expect(actions).toEqual(['view', 'triage', 'assign']);
    const intact = await verifyAuditChain(env.DB, s);
    expect(intact.ok).toBe(true);

    const target = await env.DB.prepare("SELECT seq FROM audit_log WHERE report_id = ?1 AND action = 'triage'").bind(reportId).first<{ seq: number }>();
    await env.DB.prepare("UPDATE audit_log SET action = 'view' WHERE seq = ?1").bind(target!.seq).run();
    const broken = await verifyAuditChain(env.DB, s);
    expect(broken).toMatchObject({ ok: false, brokenAt: target!.seq });
    await env.DB.prepare("UPDATE audit_log SET action = 'triage' WHERE seq = ?1").bind(target!.seq).run();
    expect((await verifyAuditChain(env.DB, s)).ok).toBe(true);

    await env.DB.prepare('DELETE FROM audit_log WHERE seq = ?1').bind(target!.seq).run();
    expect(await verifyAuditChain(env.DB, s)).toMatchObject({ ok: false, brokenAt: target!.seq });
  });
});
