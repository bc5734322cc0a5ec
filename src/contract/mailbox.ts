/**
 * @module Request schemas for the worker's mailbox API: each request carries the mailbox id, a
 * challenge and the mailbox key's signature over them (src/crypto/proofs.ts).
 */
import * as z from 'zod';
import { envelopeSchema } from './console';
import { b64urlOfLength, hexId } from './ids';
import { ATTACHMENT_LIMITS, MAX_CHUNKS } from '../domain/attachment';

const proof = {
  mailboxId: hexId,
  challenge: z.string().min(1).max(200),
  signature: b64urlOfLength(86),
};
export const threadSchema = z.strictObject(proof);
export const constanciaSchema = z.strictObject({ ...proof, key: b64urlOfLength(43) });
/** An answer may bring files uploaded before it (src/routes/mailbox-attachments-api.ts): ids and chunk counts only, their keys sealed inside. */
const laterFiles = z.array(z.strictObject({ id: hexId, chunks: z.number().int().min(1).max(MAX_CHUNKS) })).max(ATTACHMENT_LIMITS.files);
export const answerSchema = z.strictObject({ ...proof, message: z.strictObject({ id: hexId, envelope: envelopeSchema, attachments: laterFiles.optional() }) });

/** A chunk of a file added later: its place, and the mailbox proof for `attach:<attachment id>:<index>` in the query. */
export const laterChunkParams = z.object({
  attachmentId: hexId,
  index: z.string().regex(/^(0|[1-9]\d{0,5})$/).transform(Number),
});
export const laterChunkQuery = z.strictObject({ ...proof, lang: z.string().optional() });
