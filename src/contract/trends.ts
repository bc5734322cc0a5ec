/**
 * @module The query of the officials' trends API (its dashboard and CSV).
 */
import * as z from 'zod';
import { SECTORS } from '../domain/facility';
import { ISO_WEEK } from '../trends/weeks';
import { FACILITY_ID } from './ids';

export const querySchema = z.strictObject({
  state: z.string().min(1).max(80).optional(),
  sector: z.enum(SECTORS).optional(),
  facility: z.string().max(64).regex(FACILITY_ID).optional(),
  from: z.string().regex(ISO_WEEK).optional(),
  to: z.string().regex(ISO_WEEK).optional(),
  lang: z.enum(['es', 'en']).optional(),
});
export type TrendsQuery = z.infer<typeof querySchema>;
