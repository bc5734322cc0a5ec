import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decryptAttachment, deriveMailbox, encryptAttachment, fromB64, newReceiptCode, sealEnvelope, toB64, utf8, type Sodium } from '../../src/crypto';
import { attachAction, ATTACHMENT_LIMITS, chunkAdditionalData, readAction } from '../../src/domain/attachment';
import { buildSubmission, mailboxProof, makeFacility, post, releaseNow, sodium, type TestFacility } from './helpers';
import { api, signIn } from './console-helpers';

type Keyed = { keyId: string; boxPk: string };

/** A stored, released report; with `withFile`, one file uploaded and sent with it by the report form's route. */
async function submitted(s: Sodium, f: TestFacility, withFile = false) {
  const sub = await buildSubmission(s, f);
  if (withFile) {
    const file = laterFile(s, sub.body.reportId);
    const { challenge, counter } = sub.body.pow;
    const url = `https://buzon.test/api/reports/${sub.body.reportId}/attachments/${file.id}/chunks/0?challenge=${encodeURIComponent(challenge)}&counter=${counter}`;
    for (const [i, chunk] of file.encrypted.chunks.entries()) {
      expect((await SELF.fetch(url.replace('/chunks/0', `/chunks/${i}`), { method: 'PUT', body: chunk })).status).toBe(204);
    }
    sub.body.attachments = [{ id: file.id, chunks: file.encrypted.chunks.length }];
  }
  expect((await post(sub.body)).status).toBe(201);
  await releaseNow();
  return { reportId: sub.body.reportId as string, code: sub.code };
}

/** One chunk PUT of a later file, signed by the case mailbox for exactly this file and chunk. */
async function putLater(s: Sodium, code: string, attachmentId: string, index: number, bytes: Uint8Array, action = attachAction(attachmentId, index)) {
  const p = await mailboxProof(s, code, action);
  const q = new URLSearchParams(p).toString();
  return SELF.fetch(`https://buzon.test/api/mailbox/attachments/${attachmentId}/chunks/${index}?${q}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
}

function laterFile(s: Sodium, reportId: string) {
  const id = s.to_hex(s.randombytes_buf(16));
  const bytes = s.randombytes_buf(ATTACHMENT_LIMITS.chunkBytes + 300);
  return { id, bytes, encrypted: encryptAttachment(s, bytes, ATTACHMENT_LIMITS.chunkBytes, chunkAdditionalData(reportId, id)) };
}

/** One chunk GET of a file of the thread, read back on the follow-up page, signed by the case mailbox. */
async function readBack(s: Sodium, code: string, attachmentId: string, index: number, action = readAction(attachmentId, index)) {
  const q = new URLSearchParams(await mailboxProof(s, code, action)).toString();
  return SELF.fetch(`https://buzon.test/api/mailbox/attachments/${attachmentId}/chunks/${index}?${q}`);
}

async function uploadAll(s: Sodium, code: string, file: ReturnType<typeof laterFile>) {
  for (const [i, chunk] of file.encrypted.chunks.entries()) expect((await putLater(s, code, file.id, i, chunk)).status).toBe(204);
}

/** The worker's answer naming its files, sealed to the mailbox and the case's readers, as the follow-up page does. */
async function answer(s: Sodium, code: string, reportId: string, facilityId: string, files: Array<{ id: string; chunks: number }>) {
  const threadProof = await mailboxProof(s, code, 'thread');
  const thread = (await (await api('/api/mailbox/thread', { body: threadProof })).json()) as { sealTo: Keyed[] };
  const mailbox = deriveMailbox(s, code);
  const to = [{ keyId: 'mailbox', boxPublicKey: mailbox.box.publicKey }, ...thread.sealTo.map((t) => ({ keyId: t.keyId, boxPublicKey: fromB64(s, t.boxPk) }))];
  const id = s.to_hex(s.randombytes_buf(16));
  const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'Les mando la foto.' })), { kind: 'message', reportId, messageId: id, facilityId }, to);
  const message = { id, envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) }, attachments: files };
  return api('/api/mailbox/messages', { body: { ...(await mailboxProof(s, code, `answer:${id}`)), message } });
}

describe('files a worker adds later, with an answer', () => {
  it('should keep an answer\'s file from readers until the answer is released, then serve its exact bytes', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { reportId, code } = await submitted(s, f);
    const file = laterFile(s, reportId);
    await uploadAll(s, code, file);
    expect((await env.BLOBS.list({ prefix: `upload/${reportId}/att/${file.id}/` })).keys).toHaveLength(2);
    const res = await answer(s, code, reportId, f.id, [{ id: file.id, chunks: 2 }]);
    expect(res.status).toBe(201);
    expect(await env.DB.prepare('SELECT chunks, kept FROM attachments WHERE report_id = ?1 AND id = ?2').bind(reportId, file.id).first()).toEqual({ chunks: 2, kept: 1 });
    // Stored, and no longer writable: the file's id is taken.
    expect((await putLater(s, code, file.id, 0, file.encrypted.chunks[0]!)).status).toBe(409);

    const token = await signIn(s, f.monitor);
    const chunkUrl = (i: number) => `/console/api/cases/${reportId}/attachments/${file.id}/chunks/${i}`;
    // Before the release: neither listed nor readable.
    const before = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { attachments: Array<{ id: string }> };
    expect(before.attachments.map((a) => a.id)).not.toContain(file.id);
    expect((await api(chunkUrl(0), { token })).status).toBe(404);

    await releaseNow();
    const after = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { attachments: Array<{ id: string; chunks: number; messageId: string | null }>; messages: Array<{ id: string; kind: string }> };
    const answerId = after.messages.find((m) => m.kind === 'answer')!.id;
    expect(after.attachments).toContainEqual({ id: file.id, chunks: 2, messageId: answerId });
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await api(chunkUrl(i), { token });
      expect(r.status).toBe(200);
      chunks.push(new Uint8Array(await r.arrayBuffer()));
    }
    expect(decryptAttachment(s, file.encrypted.key, file.encrypted.header, chunks, chunkAdditionalData(reportId, file.id))).toEqual(file.bytes);
    // A monitor of another plant still gets nothing.
    const stranger = await signIn(s, (await makeFacility(s)).monitor);
    expect((await api(chunkUrl(0), { token: stranger })).status).toBe(404);
  });

  it('should hold the case\'s files, report and later ones together, to the cap', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { reportId, code } = await submitted(s, f, true);
    // The report brought one file: four more fit, a fifth later one does not.
    const files = Array.from({ length: ATTACHMENT_LIMITS.files - 1 }, () => laterFile(s, reportId));
    for (const file of files) expect((await putLater(s, code, file.id, 0, file.encrypted.chunks[0]!)).status).toBe(204);
    const extra = laterFile(s, reportId);
    const over = await putLater(s, code, extra.id, 0, extra.encrypted.chunks[0]!);
    expect(over.status).toBe(413);
    expect(((await over.json()) as any).error.code).toBe('attachment_limit');
    // A chunk past one file's largest size is refused as well, and incomplete files are not sent.
    expect((await putLater(s, code, files[0]!.id, 9999, files[0]!.encrypted.chunks[0]!)).status).toBe(413);
    const incomplete = await answer(s, code, reportId, f.id, [{ id: files[0]!.id, chunks: 2 }]);
    expect(incomplete.status).toBe(422);
    expect(((await incomplete.json()) as any).error.code).toBe('attachment_incomplete');
    expect(await env.DB.prepare('SELECT count(*) AS n FROM messages WHERE report_id = ?1').bind(reportId).first()).toEqual({ n: 0 });
  });

  it('should refuse a chunk signed for another case, another file or another chunk, and store nothing', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const mine = await submitted(s, f);
    const other = await submitted(s, f);
    const file = laterFile(s, mine.reportId);
    // Signed with the other case's code: it lands in that case, never in mine.
    expect((await putLater(s, other.code, file.id, 0, file.encrypted.chunks[0]!)).status).toBe(204);
    expect((await env.BLOBS.list({ prefix: `upload/${mine.reportId}/att/` })).keys).toHaveLength(0);
    // A signature for another file or another chunk, or a code that opens no case: refused.
    expect((await putLater(s, mine.code, file.id, 0, file.encrypted.chunks[0]!, attachAction(file.id, 1))).status).toBe(404);
    expect((await putLater(s, mine.code, file.id, 0, file.encrypted.chunks[0]!, attachAction('0'.repeat(32), 0))).status).toBe(404);
    expect((await putLater(s, newReceiptCode(s), file.id, 0, file.encrypted.chunks[0]!)).status).toBe(404);
    expect((await env.BLOBS.list({ prefix: `upload/${mine.reportId}/att/` })).keys).toHaveLength(0);
    // An answer in my case cannot claim the file uploaded to the other case.
    const res = await answer(s, mine.code, mine.reportId, f.id, [{ id: file.id, chunks: 1 }]);
    expect(res.status).toBe(422);
  });

  it('should let the worker read back the encrypted chunks of a file sent with their answer, and nothing else', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const mine = await submitted(s, f, true);
    const other = await submitted(s, f);
    const file = laterFile(s, mine.reportId);
    await uploadAll(s, mine.code, file);
    // Uploaded but not yet sent with an answer: not served.
    expect((await readBack(s, mine.code, file.id, 0)).status).toBe(404);
    expect((await answer(s, mine.code, mine.reportId, f.id, [{ id: file.id, chunks: 2 }])).status).toBe(201);
    // Sent: the worker reads it back before its release, still encrypted, exactly as uploaded.
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await readBack(s, mine.code, file.id, i);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      chunks.push(new Uint8Array(await r.arrayBuffer()));
    }
    expect(chunks).toEqual(file.encrypted.chunks);
    expect(decryptAttachment(s, file.encrypted.key, file.encrypted.header, chunks, chunkAdditionalData(mine.reportId, file.id))).toEqual(file.bytes);
    // Past its last chunk, signed for another chunk or file, with another case's code or a code that opens nothing: refused.
    expect((await readBack(s, mine.code, file.id, 2)).status).toBe(404);
    expect((await readBack(s, mine.code, file.id, 0, readAction(file.id, 1))).status).toBe(404);
    expect((await readBack(s, mine.code, file.id, 0, attachAction(file.id, 0))).status).toBe(404);
    expect((await readBack(s, other.code, file.id, 0)).status).toBe(404);
    expect((await readBack(s, newReceiptCode(s), file.id, 0)).status).toBe(404);
    // The report's own file is not served here: only files of the thread's messages are.
    const reportFile = await env.DB.prepare('SELECT id FROM attachments WHERE report_id = ?1 AND message_id IS NULL').bind(mine.reportId).first<{ id: string }>();
    expect(reportFile).not.toBeNull();
    const refused = await readBack(s, mine.code, reportFile!.id, 0);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as any).error.code).toBe('not_found');
  });
});
