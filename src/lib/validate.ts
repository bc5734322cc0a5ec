/**
 * @module Request validation against the contract's schemas (src/contract/): one answer for bad
 * input everywhere, 400 `invalid`, translated. Used as `zValidator(target, schema, invalid)`.
 */
import type { Context } from 'hono';
import { apiError } from './http';

type Outcome = { success: true } | { success: false; error: { issues: Array<{ path: PropertyKey[] }> } };

/** The zod-validator hook: nothing when the input is valid, else 400 `invalid`. */
export const invalid = (result: Outcome, c: Context) => (result.success ? undefined : apiError(c, 400, 'invalid'));

/** The same, naming each field that failed (`(body)` for the whole body), as the submission answers. */
export const invalidNamingFields = (result: Outcome, c: Context) => {
  if (result.success) return undefined;
  const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(body)'))];
  return apiError(c, 400, 'invalid', fields);
};

