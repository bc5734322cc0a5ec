/**
 * @module Files a worker adds later to their case, from the follow-up page, to send with an answer.
 *
 * The same encrypted chunks as the report form's (src/routes/attachments-api.ts), paid not with
 * proof of work but with the case's mailbox key: each chunk PUT is signed for the action
 * "attach:<attachment id>:<index>" over a mailbox challenge, so it is bound to this case, this file
 * and this chunk. The case's files, report and later ones together, stay within
 * ATTACHMENT_LIMITS.files (src/storage/uploads.ts claimLaterChunk). Chunks go under the upload key
 * with a TTL: those of an answer never sent expire by themselves. The answer names the files
 * (ids and chunk counts); their keys travel sealed inside it.
 *
 * The worker reads such a file back the same way: each chunk GET is signed for
 * "read:<attachment id>:<index>", and only files sent with a message of this case's thread are
 * served. The bytes stay encrypted; the page opens them with the key inside the message.
 */
import { Hono } from 'hono';
import { attachAction, ATTACHMENT_LIMITS, CHUNK_OVERHEAD, MAX_CHUNKS, readAction } from '../domain/attachment';
import { limitBody } from '../lib/body-limit';
import { apiError, type AppEnv } from '../lib/http';
import { rateLimited } from '../lib/rate-limit';
import { loadSodium } from '../lib/sodium';
import { claimLaterChunk, getChunk, messageAttachmentChunks, putChunkOnce } from '../storage/uploads';
import { laterChunkParams, laterChunkQuery } from '../contract/mailbox';
import { provenCase } from './mailbox-proof';

export const mailboxAttachmentsApi = new Hono<AppEnv>();


mailboxAttachmentsApi.put(
  '/attachments/:attachmentId/chunks/:index',
  rateLimited(() => 'mailbox:attach'),
  limitBody(ATTACHMENT_LIMITS.chunkBytes + CHUNK_OVERHEAD),
  async (c) => {
    const p = laterChunkParams.safeParse(c.req.param());
    const q = laterChunkQuery.safeParse(c.req.query());
    if (!p.success || !q.success) return apiError(c, 400, 'invalid');
    const { attachmentId, index } = p.data;
    if (index >= MAX_CHUNKS) return apiError(c, 413, 'attachment_limit');
    const s = await loadSodium();
    const found = await provenCase(c.env, s, q.data, attachAction(attachmentId, index));
    if (!found) return apiError(c, 404, 'case_not_found');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length <= CHUNK_OVERHEAD) return apiError(c, 400, 'invalid');
    const claim = await claimLaterChunk(c.env.DB, { reportId: found.id, attachmentId, index });
    if (claim === 'stored') return apiError(c, 409, 'conflict');
    if (claim === 'over_cap') return apiError(c, 413, 'attachment_limit');
    const put = await putChunkOnce(c.env.BLOBS, { reportId: found.id, attachmentId, index, recorded: claim === 'recorded' }, bytes);
    if (put === 'different') return apiError(c, 409, 'conflict');
    return c.body(null, 204);
  },
);

mailboxAttachmentsApi.get('/attachments/:attachmentId/chunks/:index', rateLimited(() => 'mailbox:read'), async (c) => {
  const p = laterChunkParams.safeParse(c.req.param());
  const q = laterChunkQuery.safeParse(c.req.query());
  if (!p.success || !q.success) return apiError(c, 400, 'invalid');
  const { attachmentId, index } = p.data;
  const s = await loadSodium();
  const found = await provenCase(c.env, s, q.data, readAction(attachmentId, index));
  if (!found) return apiError(c, 404, 'case_not_found');
  const chunks = await messageAttachmentChunks(c.env.DB, found.id, attachmentId);
  if (chunks === null || index >= chunks) return apiError(c, 404, 'not_found');
  const bytes = await getChunk(c.env.BLOBS, found.id, attachmentId, index);
  if (!bytes) return apiError(c, 404, 'not_found');
  return c.body(bytes, 200, { 'content-type': 'application/octet-stream' });
});
