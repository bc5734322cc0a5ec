/**
 * @module Request schemas for the readers' console API.
 */
import * as z from 'zod';
import { CATEGORIES } from '../domain/report';
import { HOLD_NOTE_MAX, HOLD_REASONS, HOLD_REFERENCE_MAX } from '../domain/retention';
import { MAX_TAG_LENGTH, MAX_TAGS, SEVERITIES, STATUSES, TAG_PATTERN } from '../domain/case';
import { B64URL, FACILITY_ID, hexId, keyIdSchema } from './ids';

const b64url = (min: number, max: number) => z.string().min(min).max(max).regex(B64URL);

export const signinChallengeSchema = z.strictObject({ keyId: keyIdSchema });
export const signinSchema = z.strictObject({ keyId: keyIdSchema, challenge: b64url(43, 43), signature: b64url(86, 86) });

export const caseFilterSchema = z.strictObject({
  status: z.enum(STATUSES).optional(),
  category: z.enum(CATEGORIES).optional(),
  facility: z.string().max(64).regex(FACILITY_ID).optional(),
  overdue: z.enum(['1', '0']).optional(),
  answers: z.enum(['1', '0']).optional(),
  held: z.enum(['1', '0']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  lang: z.enum(['es', 'en']).optional(),
});

/** Put on hold with a reason code, or lift it with null. */
/** A hold's reason, and its free reference (an expediente number) and note; lifting it (reason null) clears both. */
export const holdSchema = z.strictObject({
  reason: z.enum(HOLD_REASONS).nullable(),
  reference: z.string().trim().max(HOLD_REFERENCE_MAX).nullable().optional(),
  note: z.string().trim().max(HOLD_NOTE_MAX).nullable().optional(),
});

export const bodiesSchema = z.strictObject({ ids: z.array(hexId).min(1).max(200) });

export const triageSchema = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    severity: z.enum(SEVERITIES).nullable().optional(),
    tags: z
      .array(z.string().min(1).max(MAX_TAG_LENGTH).regex(TAG_PATTERN))
      .max(MAX_TAGS)
      .transform((tags) => [...new Set(tags)]) // a tag typed twice is one tag
      .optional(),
    assignee: keyIdSchema.nullable().optional(),
  })
  .refine((t) => Object.keys(t).length > 0, 'empty change');

/** A sealed message: body up to 64 KiB padded, keys to every reader it must reach. */
export const envelopeSchema = z.strictObject({
  body: b64url(1, Math.ceil(((65_536 + 40) * 4) / 3)),
  keys: z
    .array(z.strictObject({ keyId: z.union([keyIdSchema, z.literal('mailbox')]), sealed: b64url(107, 107) }))
    .min(1)
    .max(64),
});

export const messageSchema = z.strictObject({ id: hexId, kind: z.enum(['reply', 'note']), envelope: envelopeSchema });

/** A case in the path: /cases/:id. */
export const caseParams = z.object({ id: hexId });

/** An attachment chunk in the path: one spelling per chunk (no leading zeros), so `00` cannot be a chunk 0 that escapes the audit. */
export const caseChunkParams = z.object({ id: hexId, attachmentId: hexId, index: z.string().regex(/^(0|[1-9]\d{0,2})$/).transform(Number) });
