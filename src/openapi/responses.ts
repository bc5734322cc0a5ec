/**
 * @module Response bodies as zod schemas: the OpenAPI document's response shapes, and what the
 * tests check real responses against. The request schemas are the routes' own (src/routes/).
 */
import * as z from 'zod';
import { CATEGORIES, SEND_TO } from '../domain/report';
import { ERROR_CODES } from './error-codes';
import type * as Contract from '../contract';

const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/).meta({ description: 'base64url without padding' });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).meta({ description: 'calendar day in Mexico City, YYYY-MM-DD' });
const hex32 = z.string().regex(/^[0-9a-f]{32}$/);

export const apiErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES as [string, ...string[]]),
    message: z.string().meta({ description: 'in the language of the request (?lang= or Accept-Language)' }),
    fields: z.array(z.string()).optional().meta({ description: 'dotted paths of the invalid fields, when known' }),
  }),
});

export const recipientKey = z.strictObject({ keyId: z.string(), boxPk: b64url });
export const signedReaderList = z
  .strictObject({ statement: z.string().meta({ description: 'the JSON text exactly as signed (docs/crypto.md, The reader list)' }), signature: b64url })
  .nullable();

export const powChallenge = z.strictObject({ challenge: z.string(), bits: z.number().int().meta({ description: 'leading zero bits the work needs' }) });

export const facilityRecipients = z.strictObject({
  facility: z.strictObject({ id: z.string(), name: z.string() }),
  monitor: z.array(recipientKey),
  official: z.array(recipientKey),
  readers: signedReaderList,
});

export const reportAccepted = z.strictObject({
  reportId: hex32,
  receivedDay: day,
  release: z.strictObject({
    at: z.string().meta({ description: 'the release the report waits for, ISO date and hour' }),
    day,
    hour: z.number().int(),
    relative: z.enum(['today', 'tomorrow']),
  }),
  duplicate: z.boolean().meta({ description: 'false with 201 the first time; true with 200 for a retry of the same bytes' }),
  constancia: z.string().nullable().meta({ description: 'the proof of filing (docs/crypto.md, Constancia) when the submission carried a constancia key and the deployment signs them; the same text on a retry with the same key, null otherwise' }),
});

const clock = z.strictObject({ due: day, day: day.nullable(), outcome: z.enum(['in_time', 'late', 'pending', 'overdue']) });
export const mailboxConstancia = z.strictObject({
  constancia: z.string().meta({ description: 'BZC1.<facility>.<release day>.<commitment>.<signature>: byte for byte the one the receipt showed' }),
  facilityName: z.string().nullable().meta({ description: "the plant's name on this site; the constancia names it by its id" }),
  clocks: z.strictObject({ acknowledge: clock, answer: clock, close: clock }),
});
export const constanciaChecked = z.union([
  z.strictObject({ valid: z.literal(true), facility: z.string(), facilityName: z.string().nullable(), day }),
  z.strictObject({ valid: z.literal(false), reason: z.enum(['invalid', 'empty', 'unavailable']) }),
]);

export const mailboxChallenge = z.strictObject({ challenge: z.string() });

export const threadMessage = z.strictObject({
  id: hex32,
  seq: z.number().int(),
  kind: z.enum(['reply', 'answer', 'note']),
  authorRole: z.enum(['worker', 'monitor', 'official']),
  day,
  sealed: b64url.nullable().meta({ description: "the message's content key sealed to the asking key (the mailbox, or the reader); null for a note to others" }),
  body: b64url.nullable().meta({ description: 'the message envelope body' }),
});

export const mailboxThread = z.strictObject({
  case: z.strictObject({
    id: hex32,
    facilityId: z.string(),
    sendTo: z.enum(SEND_TO),
    status: z.string().meta({ description: "the lead side's status: the company's, or the authority's for a case sent to the authority only" }),
    sides: z
      .array(z.strictObject({ side: z.enum(['company', 'authority']), status: z.string() }))
      .meta({ description: 'each side the worker sent the case to, with its own status (docs/trends.md, "Whose clock")' }),
    receivedDay: day,
    eraseDay: day.nullable(),
    held: z.boolean(),
    widenedConsent: b64url
      .nullable()
      .meta({ description: "the worker's signed consent to the authority reading the case too (docs/crypto.md, Referral); check it with the mailbox key" }),
    widenAt: z
      .string()
      .nullable()
      .meta({ description: 'the release ("YYYY-MM-DDTHH") the worker\'s widening takes effect at for both sides, while it waits for it; until then sendTo and sides are unchanged' }),
  }),
  report: z.strictObject({ body: b64url, sealed: b64url }).nullable(),
  messages: z.array(threadMessage),
  sealTo: z.array(recipientKey),
  readers: signedReaderList,
});

export const mailboxErased = z.strictObject({ erased: z.boolean(), held: z.boolean() });
export const mailboxKept = z.strictObject({ eraseDay: day.nullable().meta({ description: 'the day the case will be erased now, if nothing else changes; null while on hold' }), held: z.boolean() });
export const mailboxWidened = z.strictObject({
  sendTo: z.enum(SEND_TO),
  authorityRelease: z.string().meta({ description: 'the release ("YYYY-MM-DDTHH", Mexico City) at which the widening takes effect for both sides: officials get the case in it, as a new case, and the company sees it sent to the authority' }),
  readers: z.number().int().meta({ description: 'officials whose keys are stored now, for that release (0 for a retry of a case already widened)' }),
  duplicate: z.boolean().meta({ description: 'false with 201; true with 200 when the widening was already recorded or the case already sent to the authority' }),
});
export const messageStored = z.strictObject({ id: hex32, duplicate: z.boolean().meta({ description: 'false with 201; true with 200 for a retry' }) });

export const signinChallenge = z.strictObject({
  challenge: b64url,
  kdf: z.strictObject({ salt: b64url, ops: z.number().int(), mem: z.number().int() }).meta({ description: 'Argon2id parameters for the passphrase (a decoy for an unknown key id)' }),
});

const readerSession = z.strictObject({
  keyId: z.string(),
  role: z.enum(['monitor', 'official']),
  facilities: z.array(z.string()),
  scopeState: z.string().nullable(),
});
export const signedIn = z.strictObject({ token: b64url.meta({ description: 'send as Authorization: Bearer <token>' }), reader: readerSession.extend({ label: z.string() }) });

/** Console answers described by their main fields; the case shapes' types live in src/contract/responses.ts. */
const loose = (description: string, shape: z.ZodRawShape) => z.looseObject(shape).meta({ description });
export const consoleSession = loose('the signed-in reader and their facilities', { reader: z.unknown(), facilities: z.array(z.unknown()), today: day });
export const caseList = loose('one page of case summaries', { cases: z.array(z.looseObject({ id: hex32, categories: z.array(z.enum(CATEGORIES)).optional() })), total: z.number().int(), withNewAnswers: z.number().int(), today: day });
export const sealedBodies = loose('envelope bodies by case id', { bodies: z.record(z.string(), b64url.nullable()) });
export const caseDetail = loose('a case with its sealed body, thread, triage events, attachments and whom to seal to', {
  case: z.unknown(),
  body: b64url.nullable(),
  messages: z.array(z.unknown()),
  events: z.array(z.unknown()),
  attachments: z.array(z.strictObject({ id: hex32, chunks: z.number().int() })),
  sealTo: z.strictObject({ reply: z.array(recipientKey), note: z.array(recipientKey) }),
  readers: signedReaderList,
  keyHolders: z.record(z.string(), z.array(z.string())).meta({ description: 'the content keys (report id, message ids) each reader holds for the case, by key id' }),
  widenedConsent: b64url.nullable(),
  retention: z.unknown(),
});
export const holdSet = z.strictObject({ ok: z.literal(true), holdReason: z.string().nullable() });
export const holdList = z.strictObject({ holds: z.array(z.strictObject({ id: hex32, facilityName: z.string(), receivedDay: day, holdReason: z.string() })) });
export const triaged = z.strictObject({ ok: z.literal(true), status: z.string() });
export const shared = z.strictObject({
  to: z.string().meta({ description: 'the other reader\'s key id' }),
  added: z.number().int().meta({ description: 'sealed keys stored now; one the reader already had is kept as it was' }),
  given: z.number().int(),
});
export const trendsOptions = loose('the filter choices within the official\'s jurisdiction', { scopeState: z.string().nullable(), facilities: z.array(z.unknown()), states: z.array(z.string()), sectors: z.array(z.unknown()), from: z.string(), to: z.string() });
export const trendsView = loose('suppressed aggregates for the selection (docs/trends.md)', {});

/**
 * The contract's answer types must fit the shapes documented here: a route that builds
 * `{...} satisfies <contract type>` then builds what the document promises (checked by typecheck).
 */
type Fits<T extends U, U> = T;
/** An interface as a plain object type, which the loose shapes' index signature accepts. */
type Flat<T> = { [K in keyof T]: T[K] };
export type ContractFitsDocument = [
  Fits<Flat<Contract.PowChallenge>, z.infer<typeof powChallenge>>,
  Fits<Flat<Contract.FacilityRecipients>, z.infer<typeof facilityRecipients>>,
  Fits<Flat<Contract.ReportAccepted>, z.infer<typeof reportAccepted>>,
  Fits<Flat<Contract.MailboxChallenge>, z.infer<typeof mailboxChallenge>>,
  Fits<Flat<Contract.MailboxThread>, z.infer<typeof mailboxThread>>,
  Fits<Flat<Contract.MailboxConstancia>, z.infer<typeof mailboxConstancia>>,
  Fits<Flat<Contract.MailboxErased>, z.infer<typeof mailboxErased>>,
  Fits<Flat<Contract.MailboxKept>, z.infer<typeof mailboxKept>>,
  Fits<Flat<Contract.MailboxWidened>, z.infer<typeof mailboxWidened>>,
  Fits<Flat<Contract.MessageStored>, z.infer<typeof messageStored>>,
  Fits<Flat<Contract.ConstanciaChecked>, z.infer<typeof constanciaChecked>>,
  Fits<Flat<Contract.SigninChallenge>, z.infer<typeof signinChallenge>>,
  Fits<Flat<Contract.SignedIn>, z.infer<typeof signedIn>>,
  Fits<Flat<Contract.ConsoleSession>, z.infer<typeof consoleSession>>,
  Fits<Flat<Contract.CaseList>, z.infer<typeof caseList>>,
  Fits<Flat<Contract.SealedBodies>, z.infer<typeof sealedBodies>>,
  Fits<Flat<Contract.CaseDetail>, z.infer<typeof caseDetail>>,
  Fits<Flat<Contract.HoldSet>, z.infer<typeof holdSet>>,
  Fits<Flat<Contract.HoldList>, z.infer<typeof holdList>>,
  Fits<Flat<Contract.Triaged>, z.infer<typeof triaged>>,
  Fits<Flat<Contract.Shared>, z.infer<typeof shared>>,
  Fits<Flat<Contract.TrendsOptions>, z.infer<typeof trendsOptions>>,
];
