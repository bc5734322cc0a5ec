/**
 * What the console's audit log records: every attachment chunk a reader fetches, whatever the
 * index looks like, and the difference between loading the list and opening a case (only the
 * latter is a 'view', which the officials' "never opened" figure counts).
 */
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { encryptAttachment } from '../../src/crypto';
import { ATTACHMENT_LIMITS, chunkAdditionalData } from '../../src/domain/attachment';
import { api, signIn } from './console-helpers';
import { buildSubmission, makeFacility, post, releaseNow, sodium } from './helpers';
import { dashboard, forgetTrendsSnapshot, insertReports, rowOf, table } from './trends-helpers';

const auditOf = (reportId: string) =>
  env.DB.prepare('SELECT action, detail FROM audit_log WHERE report_id = ?1 ORDER BY seq').bind(reportId).all<{ action: string; detail: string | null }>();

describe('attachment downloads', () => {
  it('should refuse a chunk index with leading zeros and audit every chunk read', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const attachmentId = s.to_hex(s.randombytes_buf(16));
    const encrypted = encryptAttachment(s, s.randombytes_buf(ATTACHMENT_LIMITS.chunkBytes + 10), ATTACHMENT_LIMITS.chunkBytes, chunkAdditionalData(body.reportId, attachmentId));
    for (const [i, chunk] of encrypted.chunks.entries()) {
      const q = `?challenge=${encodeURIComponent(body.pow.challenge)}&counter=${body.pow.counter}`;
      const res = await SELF.fetch(`https://buzon.test/api/reports/${body.reportId}/attachments/${attachmentId}/chunks/${i}${q}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: chunk,
      });
      expect(res.status).toBe(204);
    }
    expect((await post({ ...body, attachments: [{ id: attachmentId, chunks: encrypted.chunks.length }] })).status).toBe(201);
    await releaseNow();
    const token = await signIn(s, f.monitor);
    const chunk = (index: string) => api(`/console/api/cases/${body.reportId}/attachments/${attachmentId}/chunks/${index}`, { token });

    for (const index of ['00', '000', '01', '+1', '1.0', ' 1']) expect((await chunk(index)).status, index).toBe(400);
    expect((await auditOf(body.reportId)).results).toEqual([]);
    expect((await chunk('0')).status).toBe(200);
    expect((await chunk('1')).status).toBe(200);
    expect((await chunk('1')).status).toBe(200);
    expect((await auditOf(body.reportId)).results).toEqual([
      { action: 'download', detail: `${attachmentId}/0` },
      { action: 'download', detail: `${attachmentId}/1` },
      { action: 'download', detail: `${attachmentId}/1` },
    ]);
  });
});

describe('listing is not opening', () => {
  it("should audit bodies fetched for the list as 'list', leaving the officials' never-opened figure alone", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    // Five reports from last week, still new, never replied to (the figure hides fewer than five).
    const ids = await insertReports(s, [{ facilityId: f.id, ago: 3, times: 5, sendTo: 'both' }]);
    // Released on the day they arrived (releaseNow would move their clocks to today).
    await env.DB.prepare("UPDATE reports SET release_at = received_day || 'T00' WHERE facility_id = ?1").bind(f.id).run();
    const monitor = await signIn(s, f.monitor);
    const official = await signIn(s, f.official);
    const neverOpened = async () => rowOf(table(await dashboard(official, `facility=${f.id}`), 'never_opened'), `Planta ${f.id}`).Total;
    expect(await neverOpened()).toBe(5);

    // What the console's list does: every body of the page at once.
    const listed = await api('/console/api/bodies', { token: monitor, body: { ids } });
    expect(listed.status).toBe(200);
    for (const id of ids) expect((await auditOf(id)).results).toEqual([{ action: 'list', detail: null }]);
    expect(await neverOpened()).toBe(5);

    // Opening one case is a view.
    expect((await api(`/console/api/cases/${ids[0]}`, { token: monitor })).status).toBe(200);
    expect((await auditOf(ids[0]!)).results.map((r) => r.action)).toEqual(['list', 'view']);
    // The figures are taken once a day: the next day's snapshot counts four never opened.
    expect(await neverOpened()).toBe(5);
    await forgetTrendsSnapshot();
    expect(await neverOpened()).toBe('<5');
  });
});
