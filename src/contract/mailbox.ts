/**
 * @module Request schemas for the worker's mailbox API: each request carries the mailbox id, a
 * challenge and the mailbox key's signature over them (src/crypto/proofs.ts).
 */
import { z } from 'zod';
import { envelopeSchema } from './console';
import { b64urlOfLength, hexId } from './ids';

const proof = {
  mailboxId: hexId,
  challenge: z.string().min(1).max(200),
  signature: b64urlOfLength(86),
};
export const threadSchema = z.strictObject(proof);
export const constanciaSchema = z.strictObject({ ...proof, key: b64urlOfLength(43) });
export const answerSchema = z.strictObject({ ...proof, message: z.strictObject({ id: hexId, envelope: envelopeSchema }) });
