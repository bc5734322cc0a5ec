/**
 * @module The request schema for sharing access to a case (src/crypto/share.ts).
 */
import * as z from 'zod';
import { b64urlOfLength, hexId, keyIdSchema } from './ids';

/** At most the report and 399 messages per request; a longer thread shares in several. */
export const MAX_SHARED_KEYS = 400;

export const shareSchema = z.strictObject({
  to: keyIdSchema,
  keys: z
    .array(z.strictObject({ messageId: hexId, sealed: b64urlOfLength(107) }))
    .min(1)
    .max(MAX_SHARED_KEYS)
    .refine((keys) => new Set(keys.map((k) => k.messageId)).size === keys.length, 'a message twice'),
});
