/**
 * @module The API's error codes. Every error answer is `{ error: { code, message, fields? } }`,
 * the message translated under errors.<code> in locales/ (tests/worker/openapi.test.ts checks
 * each code has one in both languages; src/openapi/error-codes.ts says what each means).
 */

/** Error codes with a translation under errors.<code> in locales/. */
export type ErrorCode =
  | 'malformed'
  | 'invalid'
  | 'bad_range'
  | 'too_large'
  | 'unknown_facility'
  | 'no_recipients'
  | 'pow_missing'
  | 'pow_invalid'
  | 'pow_expired'
  | 'pow_replayed'
  | 'pow_stale'
  | 'bad_envelope'
  | 'conflict'
  | 'not_found'
  | 'unavailable'
  | 'signin_failed'
  | 'signin_wait'
  | 'signin_retired'
  | 'unauthenticated'
  | 'forbidden'
  | 'illegal_transition'
  | 'case_not_found'
  | 'bad_origin'
  | 'attachment_incomplete'
  | 'attachment_limit'
  | 'busy'
  | 'readers_unverified'
  | 'share_out_of_scope';

/** The body of every error answer. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; fields?: string[] };
}
