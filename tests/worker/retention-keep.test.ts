/**
 * The worker keeps their case longer ("guardar otros 180 días" on the follow-up page, with the
 * mailbox proof), and an official's legal hold carries a reference and a note that only officials see.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { DEFAULT_RETENTION, KEEP_DAYS, MAX_AGE_DAYS } from '../../src/domain/retention';
import { mexicoDay } from '../../src/lib/clock';
import { eraseDueCases } from '../../src/storage/retention';
import { buildSubmission, mailboxProof, makeFacility, post, releaseNow, sodium, type TestFacility } from './helpers';
import { api, signIn } from './console-helpers';

/** A released case the worker sent only to the company, which the company closed `closedAgo` days ago. */
async function closedCase(s: Sodium, f: TestFacility, closedAgo: number) {
  const sub = await buildSubmission(s, f);
  expect((await post(sub.body)).status).toBe(201);
  await releaseNow();
  const id = sub.body.reportId as string;
  const closed = addDays(mexicoDay(), -closedAgo);
  await env.DB.prepare("UPDATE reports SET send_to = 'monitor', status = 'resolved', closed_day = ?2, last_activity_day = ?2 WHERE id = ?1")
    .bind(id, closed)
    .run();
  return { id, code: sub.code };
}

const alive = async (id: string) => (await env.DB.prepare('SELECT 1 FROM reports WHERE id = ?1 AND erased_day IS NULL').bind(id).first()) !== null;

describe('the worker keeps their case', () => {
  it('should postpone the erasure of a case the company closed, again and again, and only with the mailbox proof', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const today = mexicoDay();
    const kept = await closedCase(s, f, 170);
    const control = await closedCase(s, f, 170);

    // The thread says when it would be erased: 180 days after closing.
    const thread = (await (await api('/api/mailbox/thread', { body: await mailboxProof(s, kept.code, 'thread') })).json()) as { case: { eraseDay: string } };
    expect(thread.case.eraseDay).toBe(addDays(today, 10));

    // A proof for another action, or another case's code, keeps nothing.
    expect((await api('/api/mailbox/keep', { body: await mailboxProof(s, kept.code, 'thread') })).status).toBe(404);
    const res = await api('/api/mailbox/keep', { body: await mailboxProof(s, kept.code, 'keep') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ eraseDay: addDays(today, KEEP_DAYS), held: false });
    // Pressed again the same day: the same day, never an earlier one.
    expect(await (await api('/api/mailbox/keep', { body: await mailboxProof(s, kept.code, 'keep') })).json()).toEqual({
      eraseDay: addDays(today, KEEP_DAYS),
      held: false,
    });

    // 20 days on, the control case is erased on schedule; the kept one is not, until the day it was kept to.
    await eraseDueCases(env.DB, DEFAULT_RETENTION, addDays(today, 20));
    expect(await alive(control.id)).toBe(false);
    expect(await alive(kept.id)).toBe(true);
    await eraseDueCases(env.DB, DEFAULT_RETENTION, addDays(today, KEEP_DAYS - 1));
    expect(await alive(kept.id)).toBe(true);
    await eraseDueCases(env.DB, DEFAULT_RETENTION, addDays(today, KEEP_DAYS));
    expect(await alive(kept.id)).toBe(false);
  });

  it('should never keep a case past the 3-year limit, and the console shows the same erase day', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await closedCase(s, f, 10);
    const received = addDays(mexicoDay(), -(MAX_AGE_DAYS - 30));
    await env.DB.prepare('UPDATE reports SET received_day = ?2 WHERE id = ?1').bind(c.id, received).run();
    const kept = (await (await api('/api/mailbox/keep', { body: await mailboxProof(s, c.code, 'keep') })).json()) as { eraseDay: string };
    expect(kept.eraseDay).toBe(addDays(received, MAX_AGE_DAYS));
    const token = await signIn(s, f.monitor);
    const detail = (await (await api(`/console/api/cases/${c.id}`, { token })).json()) as { retention: { eraseDay: string } };
    expect(detail.retention.eraseDay).toBe(kept.eraseDay);
  });
});

describe('a legal hold', () => {
  it('should record its reason, reference and note for officials only, and clear them when lifted', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const sub = await buildSubmission(s, f);
    expect((await post(sub.body)).status).toBe(201);
    await releaseNow();
    const id = sub.body.reportId as string;
    const official = await signIn(s, f.official);
    const monitor = await signIn(s, f.monitor);
    const hold = { reason: 'court_order', reference: 'Exp. 123/2026', note: 'Juicio laboral en curso' };
    expect((await api(`/console/api/cases/${id}/hold`, { token: official, body: hold })).status).toBe(200);
    // A reference past its limit is refused with a 400, not stored.
    expect((await api(`/console/api/cases/${id}/hold`, { token: official, body: { ...hold, reference: 'x'.repeat(81) } })).status).toBe(400);

    const asOfficial = (await (await api(`/console/api/cases/${id}`, { token: official })).json()) as {
      case: { holdReason: string; holdReference: string; holdNote: string };
    };
    expect(asOfficial.case).toMatchObject({ holdReason: 'court_order', holdReference: 'Exp. 123/2026', holdNote: 'Juicio laboral en curso' });
    const asMonitor = (await (await api(`/console/api/cases/${id}`, { token: monitor })).json()) as {
      case: { holdReason: string; holdReference: unknown; holdNote: unknown };
    };
    expect(asMonitor.case).toMatchObject({ holdReason: 'court_order', holdReference: null, holdNote: null });

    // The worker's page says it is held (and offers no "keep": a hold already keeps it).
    const thread = (await (await api('/api/mailbox/thread', { body: await mailboxProof(s, sub.code, 'thread') })).json()) as {
      case: { held: boolean; eraseDay: unknown };
    };
    expect(thread.case).toMatchObject({ held: true, eraseDay: null });

    expect((await api(`/console/api/cases/${id}/hold`, { token: official, body: { reason: null, reference: 'ignored', note: 'ignored' } })).status).toBe(200);
    const row = await env.DB.prepare('SELECT hold_reason, hold_reference, hold_note FROM reports WHERE id = ?1').bind(id).first();
    expect(row).toEqual({ hold_reason: null, hold_reference: null, hold_note: null });
  });
});
