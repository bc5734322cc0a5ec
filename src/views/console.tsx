/**
 * @module The readers' console: sign-in, the case list and one case. The server renders the
 * frame and every label; the script fills in only what it decrypts, always as text.
 */
import type { TFunction } from 'i18next';
import { SEVERITIES, STATUSES } from '../domain/case';
import { CATEGORIES, SEND_TO, WHEN } from '../domain/report';
import { ClientMessages } from './client-messages';
import { TRENDS_CLIENT_KEYS, TrendsView } from './trends';
import { HOLD_REASONS } from '../domain/retention';
import { CASE_SIDE_KEYS } from '../domain/case-sides';
import { CLOCK_KEYS } from '../domain/clocks';
import { SHARE_CLIENT_KEYS } from './console-share';
import { CaseView } from './console-case';

/** Labels the script needs at run time. */
const CLIENT_KEYS = [
  ...STATUSES.map((s) => `status.${s}`),
  ...SEVERITIES.map((s) => `severity.${s}`),
  ...CATEGORIES.map((c) => `categories.${c}.label`),
  ...WHEN.map((w) => `when.${w}`),
  ...SEND_TO.map((s) => `send_to.${s}.label`),
  ...SEND_TO.map((s) => `console.mail_to.${s}`),
  ...[
    'signin', 'signing_in', 'signed_in_as', 'role_monitor', 'role_official', 'count', 'none', 'channel_email', 'channel_web',
    'open_case', 'case_heading', 'days_since', 'kind_acknowledgement', 'standard_acknowledgement', 'acknowledgement_sent', 'sent_to', 'mail_sent_to', 'field_when', 'field_where', 'field_who',
    'field_description', 'field_categories', 'answer_files', 'new_file', 'field_subject', 'field_attachments', 'cannot_open', 'nobody', 'saved', 'kind_reply', 'kind_answer', 'kind_note',
    'sent', 'empty_text', 'wrong_passphrase', 'decrypt_failed', 'loading', 'severity_none',
    'tags_invalid', 'open_attachment', 'attachment_cleaned', 'attachment_not_cleaned', 'download', 'attachments_heading', 'play_label', 'transcript_add', 'transcript_prefix',
    'not_verified', 'signed_by', 'mailbox_mismatch', 'mailbox_unchecked', 'new_answers', 'new_answers_count', 'new_answers_case',
    'author_worker', 'author_monitor', 'author_official', 'note_audience', 'reply_audience', 'answer_audience', 'note_hint', 'note_readers.monitor', 'note_readers.official', 'keep_writing',
    'leave_draft', 'leave_draft_hint', 'back', 'draft_reply', 'draft_note', 'case_from_web', 'case_from_email', 'case_triage_print', 'no_files', 'confirm_reply', 'confirm_reply_hint',
    'reply_sent', 'note_saved', 'ask_authority_text', 'ask_authority_sent', 'send_reply', 'erase_on', 'held', 'held_reference', 'hold_saved', 'hold_save', 'hold_confirm',
    'hold_confirm_hint', 'unhold_confirm', 'search_count',
  ].map((k) => `console.${k}`),
  'errors.readers_unverified',
  ...CASE_SIDE_KEYS,
  ...CLOCK_KEYS,
  ...HOLD_REASONS.map((r) => `hold_reason.${r}`),
  'errors.network',
  'errors.unavailable',
  'errors.unauthenticated',
  ...TRENDS_CLIENT_KEYS,
  ...SHARE_CLIENT_KEYS,
];

export function Console({ t, lang }: { t: TFunction; lang: string }) {
  return (
    <div class="console" data-lang={lang}>
      <h1>{t('console.title')}</h1>

      <form id="signin" novalidate>
        <h2>{t('console.signin_heading')}</h2>
        <label class="q" for="key-id">{t('console.key_id')}</label>
        <input type="text" id="key-id" name="username" autocomplete="username" spellcheck={false} autocapitalize="off" maxlength={40} />
        <label class="q" for="passphrase">{t('console.passphrase')}</label>
        <input type="password" id="passphrase" name="password" autocomplete="current-password" maxlength={200} />
        <div id="signin-errors" class="errors" role="alert" tabindex={-1} hidden></div>
        <button type="submit" id="signin-button" class="send" disabled>{t('console.preparing_signin')}</button>
        <p id="signin-status" class="status" role="status" aria-live="polite"></p>
      </form>

      <section id="app" hidden>
        <p class="who-bar">
          <span id="signed-in-as"></span> <button type="button" id="signout" class="secondary">{t('console.signout')}</button>
        </p>
        {/* Officials only: the trends dashboard (src/views/trends.tsx, src/client/trends.ts). */}
        <TrendsView t={t} />

        <section id="list-view" aria-labelledby="cases-heading">
          <h2 id="cases-heading" tabindex={-1}>{t('console.cases_heading')}</h2>
          <form id="filters" class="filters" novalidate>
            <label>
              {t('console.filter_status')}
              <select id="filter-status">
                <option value="">{t('console.any')}</option>
                {STATUSES.map((s) => <option value={s}>{t(`status.${s}`)}</option>)}
              </select>
            </label>
            <label>
              {t('console.filter_category')}
              <select id="filter-category">
                <option value="">{t('console.any')}</option>
                {CATEGORIES.map((c) => <option value={c}>{t(`categories.${c}.label`)}</option>)}
              </select>
            </label>
            <label>
              {t('console.filter_facility')}
              <select id="filter-facility">
                <option value="">{t('console.any')}</option>
              </select>
            </label>
            <label class="check">
              <input type="checkbox" id="filter-overdue" /> {t('console.filter_overdue')}
            </label>
            <label class="check">
              <input type="checkbox" id="filter-answers" /> {t('console.filter_answers')}
            </label>
            <label class="check" id="filter-held-label" hidden>
              <input type="checkbox" id="filter-held" /> {t('console.filter_held')}
            </label>
            <button type="submit" class="secondary">{t('console.apply')}</button>
          </form>
          <div class="search no-print" role="search">
            <label for="case-search">{t('console.search_label')}</label>
            <input type="search" id="case-search" autocomplete="off" spellcheck={false} aria-describedby="search-hint" />
            <p id="search-hint" class="hint">{t('console.search_hint')}</p>
            <p id="search-count" role="status" aria-live="polite"></p>
          </div>
          <p id="list-count" role="status" aria-live="polite"></p>
          <div class="cases-scroll" role="region" aria-labelledby="cases-heading" tabindex={0}>
          <table id="cases" class="cases">
            <thead>
              <tr>
                {/* Headings with data-sort become sort buttons (src/client/console-sort.ts). */}
                <th scope="col" data-sort="received">{t('console.col_received')}</th>
                <th scope="col" data-sort="facility">{t('console.col_facility')}</th>
                <th scope="col">{t('console.col_categories')}</th>
                <th scope="col" data-sort="status">{t('console.col_status')}</th>
                <th scope="col" data-sort="severity">{t('console.col_severity')}</th>
                <th scope="col" data-sort="days">{t('console.col_days')}</th>
                <th scope="col">{t('console.col_due_next')}</th>
                <th scope="col">{t('console.col_summary')}</th>
              </tr>
            </thead>
            <tbody></tbody>
          </table>
          </div>
          <button type="button" id="more" class="secondary" hidden>{t('console.more')}</button>
        </section>

        <CaseView t={t} />
      </section>

      <ClientMessages t={t} keys={CLIENT_KEYS} />
    </div>
  );
}
