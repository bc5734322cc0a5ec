/**
 * @module The report submission's request schema (zod), with the size limits that keep a report within one KV value.
 */
import * as z from 'zod';
import { ATTACHMENT_LIMITS, MAX_CHUNKS } from '../domain/attachment';
import { CATEGORIES, SEND_TO } from '../domain/report';
import { b64Chars, b64urlOfLength as b64url, B64URL, FACILITY_ID, hexId, keyIdSchema } from './ids';

/** Largest padded body bucket a web report may use: 64 KiB. */
export const MAX_WEB_BODY_BYTES = 65_536 + 24 + 16;
/** Largest request the submission route reads. */
export const MAX_SUBMISSION_BYTES = 128 * 1024;


export const submissionSchema = z.strictObject({
  v: z.literal(1),
  reportId: hexId,
  facility: z.string().min(1).max(64).regex(FACILITY_ID),
  categories: z
    .array(z.enum(CATEGORIES))
    .min(1)
    .max(CATEGORIES.length)
    .refine((list) => new Set(list).size === list.length, 'duplicate category'),
  sendTo: z.enum(SEND_TO),
  mailbox: z.strictObject({
    id: hexId,
    boxPk: b64url(b64Chars(32)),
    signPk: b64url(b64Chars(32)),
  }),
  envelope: z.strictObject({
    body: z.string().min(1).max(b64Chars(MAX_WEB_BODY_BYTES)).regex(B64URL),
    keys: z
      .array(z.strictObject({ keyId: z.union([keyIdSchema, z.literal('mailbox')]), sealed: b64url(b64Chars(80)) }))
      .min(1)
      .max(64),
  }),
  /** The receipt code's constancia key (src/crypto/constancia.ts): the server signs a proof of filing with it and keeps only its check. */
  constancia: z.strictObject({ key: b64url(b64Chars(32)) }).optional(),
  attachments: z
    .array(z.strictObject({ id: hexId, chunks: z.number().int().min(1).max(MAX_CHUNKS) }))
    .max(ATTACHMENT_LIMITS.files)
    .refine((list) => new Set(list.map((a) => a.id)).size === list.length, 'duplicate attachment')
    .optional(),
  pow: z
    .strictObject({
      challenge: z.string().min(1).max(200),
      counter: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    })
    .optional(),
});

export type Submission = z.infer<typeof submissionSchema>;
