/**
 * @module Every API error code with what it means, for the OpenAPI document and docs/api.md.
 * A Record over ErrorCode, so a new code without an entry here does not compile.
 */
import type { ErrorCode } from '../contract/errors';

export const ERROR_MEANINGS: Record<ErrorCode, string> = {
  malformed: 'The body is not JSON, or not readable (400).',
  invalid: 'A field has the wrong shape or value; `fields` lists them where known (400, 422 for an unknown assignee).',
  bad_range: 'The week range is reversed or too long (400).',
  too_large: 'The request body is over the route\'s limit (413).',
  unknown_facility: 'No such facility (404 for a challenge or its keys, 422 in a submission).',
  no_recipients: 'The facility has no active reader of a role the worker chose (422).',
  pow_missing: 'No proof of work given (403).',
  pow_invalid: 'The proof of work or its token does not check (403).',
  pow_expired: 'The challenge token has expired: fetch a new one and redo the work (403).',
  pow_replayed: 'The token already paid for another report (409).',
  pow_stale: 'The token was issued below the plant\'s price now (it rose at a release): nothing is stored; the body carries a fresh challenge to solve for the same bytes (409).',
  bad_envelope: 'The envelope is not sealed exactly to the expected keys, or its body has a length no envelope has (422).',
  conflict: 'The id is taken by different content: another report with this id or mailbox id, or upload to a stored report (409).',
  not_found: 'No such route, case or file, or not in the reader\'s scope (404).',
  unavailable: 'Something failed on the server; retry later (503).',
  signin_failed: 'The sign-in signature, challenge or key is not valid (401).',
  signin_retired: 'The sign-in signature is valid but the administrator retired this key; said only to whoever signed with it (403).',
  signin_wait: 'Too many sign-in requests for everyone together; wait a minute (429).',
  unauthenticated: 'No valid session token (401).',
  forbidden: 'The reader\'s role may not do this (403).',
  illegal_transition: 'The case status cannot move that way (422).',
  case_not_found: 'The receipt code opens no case (404): the same answer for a wrong code and an erased case.',
  bad_origin: 'A state-changing console request came from another origin (403).',
  attachment_incomplete: 'A listed attachment has chunks missing (422).',
  attachment_limit: 'Too many files or chunks for one report (413).',
  busy: 'Too many requests for everyone together (429); the form retries with work.',
  readers_unverified: 'The other reader is not on the plant\'s administrator-signed list with these keys and role (403, sharing access).',
  share_out_of_scope: 'The other reader is not active, or the case is not theirs to read: another plant, another jurisdiction, or a role the worker did not choose (403, sharing access).',
};

export const ERROR_CODES = Object.keys(ERROR_MEANINGS) as ErrorCode[];
