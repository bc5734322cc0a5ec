/**
 * @module Every route of the app as an OpenAPI operation: the request schemas are the ones the
 * routes validate with, imported from them; responses from ./responses; errors by status and code.
 * tests/worker/openapi.test.ts fails when a route of the app is missing here, or one here is gone.
 */
import * as z from 'zod';
import { CATEGORIES } from '../domain/report';
import type { ErrorCode } from '../contract/errors';
import { submissionSchema } from '../contract/submission';
import { bodiesSchema, caseFilterSchema, holdSchema, messageSchema, signinChallengeSchema, signinSchema, triageSchema } from '../contract/console';
import { answerSchema, constanciaSchema, laterChunkParams, laterChunkQuery, threadSchema, widenSchema } from '../contract/mailbox';
import { querySchema as trendsQuerySchema } from '../contract/trends';
import { chunkParams } from '../contract/attachments';
import { shareSchema } from '../contract/share';
import * as r from './responses';

export interface Operation {
  method: 'get' | 'post' | 'put';
  /** OpenAPI form: /cases/{id}. */
  path: string;
  tag: 'report' | 'mailbox' | 'console' | 'trends' | 'pages' | 'deployment';
  summary: string;
  description?: string;
  /** Needs a reader's session token (Authorization: Bearer). */
  reader?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body, or raw bytes. */
  body?: z.ZodType | 'bytes';
  ok: { status: number; description: string; schema?: z.ZodType; media?: string };
  errors: Array<[number, ErrorCode]>;
}

const hex = z.string().regex(/^[0-9a-f]{32}$/);
const caseId = z.object({ id: hex });
const page = (path: string, summary: string, description?: string, params?: z.ZodObject): Operation => ({
  method: 'get', path, tag: 'pages', summary, description, params, query: z.object({ lang: z.enum(['es', 'en']).optional() }),
  ok: { status: 200, description: 'HTML page (Spanish by default)', media: 'text/html' }, errors: [],
});
const shortCode = z.object({ code: z.string().regex(/^[A-Za-z0-9-]{1,32}$/) });
/** Errors every JSON route can give. */
const common: Array<[number, ErrorCode]> = [[400, 'malformed'], [413, 'too_large'], [503, 'unavailable']];
const session: Array<[number, ErrorCode]> = [[401, 'unauthenticated'], [403, 'bad_origin']];

export const OPERATIONS: Operation[] = [
  // --- the worker's report ---
  {
    method: 'get', path: '/api/challenge', tag: 'report', summary: 'A proof-of-work challenge for one report at one facility',
    description: 'docs/crypto.md, Proof of work. Difficulty rises with the facility\'s and the country\'s recent volume.',
    query: z.object({ facility: z.string().regex(/^[a-z0-9-]{1,64}$/) }),
    ok: { status: 200, description: 'a signed, expiring token and the bits of work it needs', schema: r.powChallenge },
    errors: [[400, 'invalid'], [404, 'unknown_facility'], [429, 'busy']],
  },
  {
    method: 'get', path: '/api/facilities/{id}/recipients', tag: 'report', summary: 'The facility\'s readers\' public keys and the administrator-signed list of them',
    description: 'Seal only to keys on the signed list (docs/crypto.md, The reader list).',
    params: z.object({ id: z.string() }),
    ok: { status: 200, description: 'monitors\' and officials\' X25519 keys', schema: r.facilityRecipients },
    errors: [[404, 'unknown_facility'], [429, 'busy']],
  },
  {
    method: 'put', path: '/api/reports/{reportId}/attachments/{attachmentId}/chunks/{index}', tag: 'report', summary: 'Upload one encrypted attachment chunk, before the report',
    description: 'Paid with the report\'s own proof of work (query challenge and counter; checked, not spent). docs/crypto.md, Attachments.',
    params: chunkParams, query: z.object({ challenge: z.string(), counter: z.string().regex(/^\d+$/) }), body: 'bytes',
    ok: { status: 204, description: 'stored; a repeat of the same bytes writes nothing (204), other bytes in a recorded chunk\'s place are refused (409 conflict); limited per report id (429)' },
    errors: [[400, 'invalid'], [403, 'pow_missing'], [403, 'pow_invalid'], [403, 'pow_expired'], [409, 'conflict'], [409, 'pow_replayed'], [413, 'attachment_limit'], [413, 'too_large'], [429, 'busy']],
  },
  {
    method: 'post', path: '/api/reports', tag: 'report', summary: 'Submit an encrypted report',
    description: 'The body is sealed on the phone (docs/crypto.md, The envelope). The client makes the report id, so a retry is safe: 201 the first time, 200 with duplicate:true after.',
    body: submissionSchema,
    ok: { status: 201, description: 'stored; 200 with the same body and duplicate:true for a retry', schema: r.reportAccepted },
    errors: [...common, [400, 'invalid'], [403, 'pow_missing'], [403, 'pow_invalid'], [403, 'pow_expired'], [409, 'pow_replayed'], [409, 'pow_stale'], [409, 'conflict'], [422, 'unknown_facility'], [422, 'bad_envelope'], [422, 'no_recipients'], [422, 'attachment_incomplete'], [429, 'busy']],
  },
  // --- the worker's case mailbox ---
  {
    method: 'get', path: '/api/mailbox/challenge', tag: 'mailbox', summary: 'A fresh challenge to sign a mailbox request with',
    ok: { status: 200, description: 'expiring token, no work needed', schema: r.mailboxChallenge }, errors: [[429, 'busy']],
  },
  {
    method: 'post', path: '/api/mailbox/thread', tag: 'mailbox', summary: 'The case status and its messages, proven with the mailbox key (action "thread")',
    body: threadSchema, ok: { status: 200, description: 'the case, the worker\'s own report and the thread, all sealed', schema: r.mailboxThread },
    errors: [...common, [400, 'invalid'], [404, 'case_not_found'], [429, 'busy']],
  },
  {
    method: 'post', path: '/api/mailbox/messages', tag: 'mailbox', summary: 'The worker\'s answer (action "answer:<message id>")',
    body: answerSchema, ok: { status: 201, description: 'stored; 200 with duplicate:true for a retry', schema: r.messageStored },
    errors: [...common, [400, 'invalid'], [404, 'case_not_found'], [409, 'conflict'], [413, 'attachment_limit'], [422, 'bad_envelope'], [422, 'attachment_incomplete'], [429, 'busy']],
  },
  {
    method: 'put', path: '/api/mailbox/attachments/{attachmentId}/chunks/{index}', tag: 'mailbox', summary: 'Upload one encrypted chunk of a file to send with an answer (action "attach:<attachment id>:<index>")',
    description: 'Signed with the case mailbox key, not paid with work. The case\'s files, the report\'s and later ones together, are at most 5. docs/crypto.md, Files added later.',
    params: laterChunkParams, query: laterChunkQuery, body: 'bytes',
    ok: { status: 204, description: 'stored; a repeat of the same bytes writes nothing (204), other bytes in a recorded chunk\'s place are refused (409 conflict)' },
    errors: [...common, [400, 'invalid'], [404, 'case_not_found'], [409, 'conflict'], [413, 'attachment_limit'], [429, 'busy']],
  },
  {
    method: 'get', path: '/api/mailbox/attachments/{attachmentId}/chunks/{index}', tag: 'mailbox', summary: 'Read back one encrypted chunk of a file sent with a message of the thread (action "read:<attachment id>:<index>")',
    description: 'Signed with the case mailbox key. Only files sent with a message of this case are served, still encrypted: the follow-up page opens them with the key inside the message.',
    params: laterChunkParams, query: laterChunkQuery,
    ok: { status: 200, description: 'the chunk\'s bytes', media: 'application/octet-stream' },
    errors: [[400, 'invalid'], [404, 'case_not_found'], [404, 'not_found'], [429, 'busy']],
  },
  {
    method: 'post', path: '/api/mailbox/erase', tag: 'mailbox', summary: 'The worker erases their case (action "erase")',
    body: threadSchema, ok: { status: 200, description: 'erased, or held (erased when the hold is lifted)', schema: r.mailboxErased },
    errors: [...common, [400, 'invalid'], [404, 'case_not_found'], [429, 'busy']],
  },
  {
    method: 'post', path: '/api/mailbox/keep', tag: 'mailbox', summary: 'The worker keeps their case at least 180 more days from today (action "keep", single use); repeatable, never past the 3-year limit',
    description: 'The erasure counts it at once; readers see the new erase day from the next release (docs/privacy.md, "Held until the next release").',
    body: threadSchema, ok: { status: 200, description: 'the erase day now, or held', schema: r.mailboxKept },
    errors: [...common, [400, 'invalid'], [404, 'case_not_found'], [409, 'pow_replayed'], [429, 'busy']],
  },
  {
    method: 'post', path: '/api/mailbox/widen', tag: 'mailbox', summary: 'The worker sends their case to the labor authority too (action "widen:authority", single use)',
    description: 'Only for a case sent to the company alone; never undone. The body carries, for every active official of the plant\'s jurisdiction on the administrator\'s signed list (all of them), the content keys the mailbox holds sealed to them, and the worker\'s consent signed with the mailbox key (docs/crypto.md, Referral). Recorded now, it takes effect at the next release for both sides at once: officials get the case then, as a new case, and only then does the company\'s side read "referred" and the widening enter the case history and the audit log. A refusal writes nothing.',
    body: widenSchema, ok: { status: 201, description: 'recorded for the next release (200 with duplicate true when it already was, or already took effect)', schema: r.mailboxWidened },
    errors: [...common, [400, 'invalid'], [403, 'share_out_of_scope'], [403, 'readers_unverified'], [403, 'forbidden'], [404, 'case_not_found'], [409, 'pow_replayed'], [409, 'conflict'], [409, 'no_recipients'], [422, 'invalid'], [422, 'readers_unverified'], [429, 'busy']],
  },
  {
    method: 'post', path: '/api/mailbox/constancia', tag: 'mailbox', summary: 'The case\'s proof of filing, signed again, and its three clocks (action "constancia")',
    description: 'The body carries the receipt code\'s constancia key (docs/crypto.md, Constancia); 409 when it is not the key whose check the report keeps.',
    body: constanciaSchema, ok: { status: 200, description: 'the constancia and the lead side\'s acknowledgement, answer and close clocks (src/domain/clocks.ts)', schema: r.mailboxConstancia },
    errors: [...common, [400, 'invalid'], [404, 'case_not_found'], [409, 'conflict'], [429, 'busy']],
  },
  {
    method: 'post', path: '/api/constancia/verify', tag: 'report', summary: 'Check a proof of filing: valid or not, which plant, which day',
    description: 'Body {"constancia": "<text>"}. Nothing is kept. The same check runs offline with the public key: npm run constancia:verify.',
    ok: { status: 200, description: 'valid with plant and release day, or not valid (400 for an empty text, 503 when the deployment signs none)', schema: r.constanciaChecked },
    errors: [[413, 'too_large'], [429, 'busy']],
  },
  // --- readers ---
  {
    method: 'post', path: '/console/api/signin/challenge', tag: 'console', summary: 'A sign-in challenge and the key\'s Argon2id parameters',
    body: signinChallengeSchema, ok: { status: 200, description: 'single-use challenge; decoy KDF parameters for an unknown key id', schema: r.signinChallenge },
    errors: [...common, [400, 'invalid'], [429, 'signin_wait']],
  },
  {
    method: 'post', path: '/console/api/signin', tag: 'console', summary: 'Sign in with an Ed25519 signature over the challenge (docs/crypto.md, Signed proofs)',
    body: signinSchema, ok: { status: 200, description: 'a session token', schema: r.signedIn },
    errors: [...common, [400, 'invalid'], [401, 'signin_failed'], [403, 'signin_retired'], [429, 'signin_wait']],
  },
  { method: 'get', path: '/console/api/session', tag: 'console', reader: true, summary: 'The signed-in reader', ok: { status: 200, description: 'reader and facilities', schema: r.consoleSession }, errors: session },
  { method: 'post', path: '/console/api/signout', tag: 'console', reader: true, summary: 'End the session', ok: { status: 204, description: 'ended' }, errors: session },
  {
    method: 'get', path: '/console/api/cases', tag: 'console', reader: true, summary: 'Released cases in the reader\'s scope, filtered',
    query: caseFilterSchema, ok: { status: 200, description: 'one page of cases', schema: r.caseList }, errors: [...session, [400, 'invalid']],
  },
  {
    method: 'post', path: '/console/api/bodies', tag: 'console', reader: true, summary: 'Sealed bodies of several cases, to decrypt in the browser',
    body: bodiesSchema, ok: { status: 200, description: 'bodies by id', schema: r.sealedBodies }, errors: [...session, ...common, [400, 'invalid'], [403, 'forbidden']],
  },
  {
    method: 'get', path: '/console/api/cases/{id}', tag: 'console', reader: true, summary: 'One case, its thread and whom to seal replies to (marks its answers seen)',
    params: caseId, ok: { status: 200, description: 'the case', schema: r.caseDetail }, errors: [...session, [400, 'invalid'], [404, 'not_found']],
  },
  {
    method: 'post', path: '/console/api/cases/{id}/hold', tag: 'console', reader: true, summary: 'Officials: put a case on legal hold, or lift it',
    params: caseId, body: holdSchema, ok: { status: 200, description: 'the hold now', schema: r.holdSet }, errors: [...session, ...common, [400, 'invalid'], [403, 'forbidden'], [404, 'not_found']],
  },
  { method: 'get', path: '/console/api/holds', tag: 'console', reader: true, summary: 'Officials: the cases on hold', ok: { status: 200, description: 'held cases', schema: r.holdList }, errors: [...session, [403, 'forbidden']] },
  {
    method: 'get', path: '/console/api/cases/{id}/attachments/{attachmentId}/chunks/{index}', tag: 'console', reader: true, summary: 'One encrypted attachment chunk',
    params: z.object({ id: hex, attachmentId: hex, index: z.string().regex(/^(0|[1-9]\d{0,2})$/) }),
    ok: { status: 200, description: 'the chunk\'s bytes', media: 'application/octet-stream' }, errors: [...session, [400, 'invalid'], [404, 'not_found']],
  },
  {
    method: 'post', path: '/console/api/cases/{id}/triage', tag: 'console', reader: true, summary: 'Monitors: change status, severity, tags or assignee',
    params: caseId, body: triageSchema, ok: { status: 200, description: 'the status now', schema: r.triaged },
    errors: [...session, ...common, [400, 'invalid'], [403, 'forbidden'], [404, 'not_found'], [422, 'illegal_transition'], [422, 'invalid']],
  },
  {
    method: 'post', path: '/console/api/cases/{id}/messages', tag: 'console', reader: true, summary: 'A signed, sealed reply to the worker or an internal note',
    params: caseId, body: messageSchema, ok: { status: 201, description: 'stored; 200 with duplicate:true for a retry', schema: r.messageStored },
    errors: [...session, ...common, [400, 'invalid'], [403, 'forbidden'], [404, 'not_found'], [422, 'bad_envelope']],
  },
  {
    method: 'post', path: '/console/api/share/cases/{id}', tag: 'console', reader: true, summary: 'Give another reader access: the case\'s content keys, sealed to them in the browser',
    description: 'docs/crypto.md, Sharing access. Only to an active reader in the case\'s scope and on the signed list; a note only to its author\'s role; audited.',
    params: caseId, body: shareSchema, ok: { status: 200, description: 'stored', schema: r.shared },
    errors: [...session, ...common, [400, 'invalid'], [403, 'forbidden'], [403, 'readers_unverified'], [403, 'share_out_of_scope'], [404, 'not_found'], [422, 'invalid']],
  },
  { method: 'get', path: '/console/api/trends/options', tag: 'trends', reader: true, summary: 'Officials: filter choices', ok: { status: 200, description: 'facilities, states, sectors, default weeks', schema: r.trendsOptions }, errors: [...session, [403, 'forbidden']] },
  {
    method: 'get', path: '/console/api/trends', tag: 'trends', reader: true, summary: 'Officials: suppressed trends and clocks for a selection',
    query: trendsQuerySchema, ok: { status: 200, description: 'tables and charts data', schema: r.trendsView }, errors: [...session, [400, 'invalid'], [400, 'bad_range'], [403, 'forbidden'], [404, 'not_found']],
  },
  {
    method: 'get', path: '/console/api/trends/export.csv', tag: 'trends', reader: true, summary: 'Officials: the same figures as CSV',
    query: trendsQuerySchema, ok: { status: 200, description: 'CSV', media: 'text/csv' }, errors: [...session, [400, 'invalid'], [400, 'bad_range'], [403, 'forbidden'], [404, 'not_found']],
  },
  // --- pages and the deployment ---
  page('/', 'The report form, with the list of plants', `Categories: ${CATEGORIES.join(', ')}.`),
  page('/f/{code}', 'A plant\'s own form (the poster\'s link)', undefined, shortCode),
  page('/f/{code}/cartel', 'The printable poster (?papel=a4 for A4)', undefined, shortCode),
  page('/seguimiento', 'Follow-up with the receipt code'),
  page('/console', 'The readers\' console'),
  page('/sin-rastro', 'How to leave no trace on a shared phone'),
  page('/transparencia', 'The public, suppressed figures'),
  page('/constancia', 'Check a proof of filing (paste its text)'),
  {
    method: 'post', path: '/constancia', tag: 'pages', summary: 'The same page with the result of checking the pasted text (form field "constancia", urlencoded)',
    query: z.object({ lang: z.enum(['es', 'en']).optional() }), ok: { status: 200, description: 'HTML page', media: 'text/html' }, errors: [[413, 'too_large'], [429, 'busy']],
  },
  { method: 'get', path: '/healthz', tag: 'deployment', summary: 'Liveness', ok: { status: 200, description: '"ok"', media: 'text/plain' }, errors: [] },
  { method: 'get', path: '/api/openapi.json', tag: 'deployment', summary: 'This document', ok: { status: 200, description: 'OpenAPI 3.1', media: 'application/json' }, errors: [] },
  {
    method: 'get', path: '/.well-known/buzon-build.json', tag: 'deployment', summary: 'The build manifest: commit, administrator key, hash of every asset',
    description: 'Compare with a local build: npm run verify -- <origin> (README, Checking a deployment).', ok: { status: 200, description: 'the manifest', media: 'application/json' }, errors: [],
  },
  {
    method: 'get', path: '/.well-known/buzon-constancia.json', tag: 'deployment', summary: 'The Ed25519 public key that signs proofs of filing',
    description: 'docs/crypto.md, Constancia; 404 when the deployment signs none.', ok: { status: 200, description: '{ v, format, algorithm, publicKey, … }', media: 'application/json' }, errors: [],
  },
  {
    method: 'get', path: '/assets/{file}', tag: 'deployment', summary: 'The browser bundles, stylesheets and libsodium\'s wasm, pinned by the pages\' integrity attributes (the wasm by the bundles that fetch it)',
    params: z.object({ file: z.string() }), ok: { status: 200, description: 'the file', media: 'application/octet-stream' }, errors: [],
  },
];
