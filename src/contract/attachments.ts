/**
 * @module The path of an encrypted attachment chunk, as the report page uploads it.
 */
import * as z from 'zod';
import { hexId } from './ids';

export const chunkParams = z.object({
  reportId: hexId,
  attachmentId: hexId,
  // One spelling per chunk; past MAX_CHUNKS is the per-file cap (413 in src/routes/attachments-api.ts), not bad input.
  index: z.string().regex(/^(0|[1-9]\d{0,5})$/).transform(Number),
});
