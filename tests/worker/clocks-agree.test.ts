/**
 * One clock definition (src/domain/clocks.ts), the same answer everywhere: over random case
 * histories (deadlines, arrival, acknowledgement, answer, closing), the console's list, the
 * follow-up page's constancia clocks, the digest's overdue counts, the figures behind the trends
 * tables and their CSV, the public page and `decrypt` give the due dates and outcomes that
 * caseClocks gives for the same facts. The fixed seed is tests/fast-check-seed.ts's.
 */
import { env, SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constanciaKeyFromCode, deriveMailbox, newReceiptCode, toB64, type Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { caseClocks, CLOCK_NAMES, publicAck, type CaseClock, type ClockName } from '../../src/domain/clocks';
import type { MailboxConstancia } from '../../src/contract/responses';
import type { CaseList } from '../../src/contract/console-responses';
import { mexicoDay, releaseClock } from '../../src/lib/clock';
import { dueDigests } from '../../src/storage/digests';
import { loadPublicData, loadTrendRows } from '../../src/trends/queries';
import { mondayOf } from '../../src/trends/weeks';
import { casesFor } from '../../scripts/lib/case-rows';
import { api, signIn } from './console-helpers';
import { makeFacility, mailboxProof, sodium } from './helpers';

/** A case's history in days after its arrival; each event no later than yesterday. */
interface History {
  deadlines: { acknowledge: number; answer: number; close: number };
  ago: number;
  ackAfter: number | null;
  answerAfter: number | null;
  closedAfter: number | null;
}

const history: fc.Arbitrary<History> = fc
  .record({
    ack: fc.integer({ min: 1, max: 10 }),
    answer: fc.integer({ min: 0, max: 30 }),
    close: fc.integer({ min: 0, max: 60 }),
    ago: fc.integer({ min: 1, max: 120 }),
    ackAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    answerAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    closedAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  })
  .map((r) => {
    // Events fall between arrival and yesterday; the answer only after an acknowledgement.
    const after = (x: number | null, from = 0) => (x === null ? null : from + Math.floor(x * (r.ago - 1 - from)));
    const ackAfter = after(r.ackAt);
    return {
      deadlines: { acknowledge: r.ack, answer: r.ack + r.answer, close: r.ack + r.answer + r.close },
      ago: r.ago,
      ackAfter,
      answerAfter: ackAfter === null ? null : after(r.answerAt, ackAfter),
      closedAfter: after(r.closedAt),
    };
  });

/** Writes the case as if it had arrived and been handled on past days, as the intake and the console store it. */
async function storeHistory(s: Sodium, facilityId: string, keyId: string, code: string, h: History) {
  const id = s.to_hex(s.randombytes_buf(16));
  const mailbox = deriveMailbox(s, code);
  const received = addDays(mexicoDay(), -h.ago);
  const at = (n: number | null) => (n === null ? null : addDays(received, n));
  const replies = [h.ackAfter, h.answerAfter].filter((n): n is number => n !== null);
  await env.DB.batch([
    env.DB.prepare('UPDATE facilities SET ack_days = ?2, answer_days = ?3, close_days = ?4 WHERE id = ?1').bind(
      facilityId,
      h.deadlines.acknowledge,
      h.deadlines.answer,
      h.deadlines.close,
    ),
    env.DB.prepare(
      `INSERT INTO reports (id, facility_id, channel, send_to, received_day, release_at, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk,
                            body_key, body_digest, first_reply_day, closed_day, record_key)
       VALUES (?1, ?2, 'web', 'monitor', ?3, ?3 || 'T00', ?4, ?5, ?6, ?7, 'none', 'digest', ?8, ?9, 0)`,
    ).bind(
      id,
      facilityId,
      received,
      h.closedAfter !== null ? 'resolved' : replies.length ? 'acknowledged' : 'new',
      mailbox.mailboxId,
      toB64(s, mailbox.box.publicKey),
      toB64(s, mailbox.sign.publicKey),
      at(h.ackAfter),
      at(h.closedAfter),
    ),
    env.DB.prepare("INSERT INTO wrapped_keys (report_id, message_id, key_id, sealed) VALUES (?1, ?1, ?2, 'x')").bind(id, keyId),
    ...replies.map((n, i) =>
      env.DB.prepare(
        `INSERT INTO messages (report_id, seq, id, kind, author_role, author_key, day, body_key, release_at)
         VALUES (?1, ?2, ?3, 'reply', 'monitor', 'k', ?4, 'none', ?4 || 'T00')`,
      ).bind(id, i + 1, s.to_hex(s.randombytes_buf(16)), addDays(received, n)),
    ),
    // What storeMessage's recordAnswerDay keeps for the trends (src/trends/counters.ts).
    ...(h.answerAfter === null
      ? []
      : [
          env.DB.prepare('INSERT INTO report_answers (facility_id, received_day, report_id, day) VALUES (?1, ?2, ?3, ?4)').bind(
            facilityId,
            received,
            id,
            at(h.answerAfter),
          ),
        ]),
  ]);
  return { id, received };
}

const pick = (c: CaseClock) => ({ due: c.due, day: c.day, outcome: c.outcome });

describe('one clock definition', () => {
  it('should give the same due dates and outcomes in the console, the follow-up page, the digest, the trends and CSV, the public page and decrypt', async () => {
    const s = await sodium();
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const f = await makeFacility(s, { official: false });
        const address = `m-${f.id}@monitor.example.org`;
        await env.DB.prepare('UPDATE recipients SET notify_email = ?2 WHERE key_id = ?1').bind(f.monitor.keyId, address).run();
        const code = newReceiptCode(s);
        const { id, received } = await storeHistory(s, f.id, f.monitor.keyId, code, h);
        const today = mexicoDay();
        const expected = caseClocks(
          {
            startDay: received,
            acknowledgedDay: h.ackAfter === null ? null : addDays(received, h.ackAfter),
            answeredDay: h.answerAfter === null ? null : addDays(received, h.answerAfter),
            closedDay: h.closedAfter === null ? null : addDays(received, h.closedAfter),
          },
          h.deadlines,
          today,
        );

        // The console: the list's summary, read with the domain's function, and its "overdue" filter.
        const token = await signIn(s, f.monitor);
        const list = (await (await api(`/console/api/cases?facility=${f.id}`, { token })).json()) as CaseList;
        const summary = list.cases.find((c) => c.id === id)!;
        const console = caseClocks(summary.clockFacts, summary.deadlines, list.today);
        for (const n of CLOCK_NAMES) expect(pick(console[n])).toEqual(pick(expected[n]));
        const overdue = (await (await api(`/console/api/cases?facility=${f.id}&overdue=1`, { token })).json()) as CaseList;
        expect(overdue.cases.some((c) => c.id === id)).toBe(expected.acknowledge.outcome === 'overdue');

        // The follow-up page's constancia clocks.
        const key = constanciaKeyFromCode(s, code);
        const res = await SELF.fetch('https://buzon.test/api/mailbox/constancia', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...(await mailboxProof(s, code, 'constancia')), key: toB64(s, key) }),
        });
        expect(res.status).toBe(200);
        const followUp = ((await res.json()) as MailboxConstancia).clocks;
        for (const n of CLOCK_NAMES) expect(followUp[n]).toEqual(expected[n]);

        // The digest: a clock overdue on a case still open on the monitor's side.
        const digest = (await dueDigests(env.DB, today, releaseClock(env.RELEASE_HOURS).last)).find((d) => d.address === address)!;
        for (const n of CLOCK_NAMES) expect(digest.overdue[n]).toBe(expected.close.day === null && expected[n].outcome === 'overdue' ? 1 : 0);

        // The rows the trends tables (and their CSV) are built from, and the public page's.
        const week = mondayOf(received);
        const rows = await loadTrendRows(env.DB, [week], today);
        const mine = rows.clocks.filter((r) => r.facilityId === f.id);
        const classes: Record<string, ClockName> = { ack: 'acknowledge', answer: 'answer', close: 'close' };
        expect(mine).toHaveLength(1);
        for (const [column, n] of Object.entries(classes)) expect(mine[0]![column as 'ack']).toBe(expected[n].outcome);
        const publicRows = (await loadPublicData(env.DB, received.slice(0, 7), today)).cells.filter((c) => c.facilityId === f.id);
        expect(publicRows.map((c) => c.ack)).toEqual([publicAck(expected.acknowledge.outcome)]);

        // `npm run decrypt`'s reading of the same case.
        const [row] = await casesFor(env.DB, f.monitor.keyId, id);
        expect(row).toMatchObject({ acknowledgedDay: expected.acknowledge.day, answeredDay: expected.answer.day, closedDay: expected.close.day });
      }),
      { numRuns: 12 },
    );
  });
});
