/**
 * @module Request schemas for the worker's mailbox API: each request carries the mailbox id, a
 * challenge and the mailbox key's signature over them (src/crypto/proofs.ts).
 */
import * as z from 'zod';
import { envelopeSchema } from './console';
import { b64urlOfLength, hexId, keyIdSchema } from './ids';
import { MAX_SHARED_KEYS } from './share';
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

/** At most this many officials of one plant's jurisdiction get a widened case in one request. */
export const MAX_WIDEN_READERS = 20;

/**
 * The worker sends the case to the authority too (src/routes/mailbox-referral.ts): the mailbox
 * proof for `widen:authority`, the consent signature (src/crypto/proofs.ts wideningMessage), and
 * for each official the content keys the mailbox holds, sealed to them in the page.
 */
export const widenSchema = z.strictObject({
  ...proof,
  consent: b64urlOfLength(86),
  readers: z
    .array(
      z.strictObject({
        to: keyIdSchema,
        keys: z
          .array(z.strictObject({ messageId: hexId, sealed: b64urlOfLength(107) }))
          .min(1)
          .max(MAX_SHARED_KEYS)
          .refine((keys) => new Set(keys.map((k) => k.messageId)).size === keys.length, 'a message twice'),
      }),
    )
    .min(1)
    .max(MAX_WIDEN_READERS)
    .refine((readers) => new Set(readers.map((r) => r.to)).size === readers.length, 'a reader twice'),
});
