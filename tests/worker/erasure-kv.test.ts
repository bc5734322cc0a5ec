/**
 * An erased case's evidence leaves KV too: the worker erases a case that carried a photo; the
 * half-hourly run deletes every chunk copied to the report's permanent keys, and no KV key or value
 * names the case any more (docs/privacy.md, "Erasure").
 */
import { SELF, createScheduledController, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { encryptAttachment } from '../../src/crypto';
import { ATTACHMENT_LIMITS, chunkAdditionalData } from '../../src/domain/attachment';
import worker from '../../src/index';
import { keepAttachments } from '../../src/storage/uploads';
import { buildSubmission, mailboxProof, makeFacility, post, releaseNow, sodium } from './helpers';
import { api } from './console-helpers';

describe('erasure in KV', () => {
  it('should delete the attachment chunks of a case the worker erased, on the next half-hourly run', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body, code } = await buildSubmission(s, f);
    const attachmentId = s.to_hex(s.randombytes_buf(16));
    const encrypted = encryptAttachment(
      s,
      s.randombytes_buf(ATTACHMENT_LIMITS.chunkBytes + 100),
      ATTACHMENT_LIMITS.chunkBytes,
      chunkAdditionalData(body.reportId, attachmentId),
    );
    const q = `?challenge=${encodeURIComponent(body.pow.challenge)}&counter=${body.pow.counter}`;
    for (const [i, chunk] of encrypted.chunks.entries()) {
      const res = await SELF.fetch(`https://buzon.test/api/reports/${body.reportId}/attachments/${attachmentId}/chunks/${i}${q}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: chunk,
      });
      expect(res.status).toBe(204);
    }
    expect((await post({ ...body, attachments: [{ id: attachmentId, chunks: encrypted.chunks.length }] })).status).toBe(201);
    await keepAttachments(env.DB, env.BLOBS);
    await releaseNow();
    const kept = (await env.BLOBS.list({ prefix: `report/${body.reportId}/att/` })).keys;
    expect(kept).toHaveLength(encrypted.chunks.length);

    const res = await api('/api/mailbox/erase', { body: await mailboxProof(s, code, 'erase') });
    expect(await res.json()).toMatchObject({ erased: true });
    // Readers lose it at the next release (src/storage/erase-request.ts), which queues its KV keys.
    await releaseNow();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '*/30 * * * *' }), env);
    expect((await env.BLOBS.list({ prefix: `report/${body.reportId}/` })).keys).toEqual([]);
  });
});
