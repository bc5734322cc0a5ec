/**
 * @module The readers' console: sign-in, the case list and one case. The server renders the
 * frame and every label; the script fills in only what it decrypts, always as text.
 */
import type { TFunction } from 'i18next';
import { SEVERITIES, STATUSES } from '../domain/case';
import { CATEGORIES, LIMITS, SEND_TO, WHEN } from '../domain/report';
import { ClientMessages } from './client-messages';
import { TRENDS_CLIENT_KEYS, TrendsView } from './trends';
import { HOLD_NOTE_MAX, HOLD_REASONS, HOLD_REFERENCE_MAX } from '../domain/retention';
import { CASE_SIDE_KEYS } from '../domain/case-sides';
import { CLOCK_KEYS } from '../domain/clocks';
import { SHARE_CLIENT_KEYS, ShareView } from './console-share';

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
    'author_worker', 'author_monitor', 'author_official', 'note_audience', 'reply_audience', 'confirm_reply', 'confirm_reply_hint',
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
        <button type="submit" id="signin-button" class="send" disabled>{t('form.preparing')}</button>
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
          <p class="search">
            <label>
              {t('console.search_label')}
              <input type="search" id="case-search" autocomplete="off" spellcheck={false} aria-describedby="search-hint" />
            </label>
            <span id="search-hint" class="hint">{t('console.search_hint')}</span>
            <span id="search-count" role="status" aria-live="polite"></span>
          </p>
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

        <section id="case-view" aria-labelledby="case-heading" tabindex={-1} hidden>
          <button type="button" id="back" class="secondary">{t('console.back')}</button>{' '}
          <button type="button" id="print-case" class="secondary">{t('console.print_case')}</button>
          <p class="print-only print-warning">{t('console.print_note')}</p>
          <h2 id="case-heading"></h2>
          {/* What is due next on the reader's own side, and by when (src/domain/clocks.ts dueNext). */}
          <p id="case-due-next" class="due-next"></p>
          <ul id="case-facts" class="facts"></ul>
          <h3>{t('console.report_heading')}</h3>
          <dl id="report-fields" class="report"></dl>
          <ul id="case-attachments" class="attachments" aria-label={t('console.attachments_heading')}></ul>

          <h3 class="no-print">{t('console.triage_heading')}</h3>
          <p id="triage-side" class="hint no-print"></p>
          <form id="triage" class="filters" novalidate>
            <label>
              {t('console.status')}
              <select id="triage-status"></select>
            </label>
            <label>
              {t('console.severity')}
              <select id="triage-severity">
                <option value="">{t('console.severity_none')}</option>
                {SEVERITIES.map((s) => <option value={s}>{t(`severity.${s}`)}</option>)}
              </select>
            </label>
            <label id="triage-tags-field">
              {t('console.tags')}
              <input type="text" id="triage-tags" maxlength={400} />
            </label>
            <label id="triage-assignee-field">
              {t('console.assignee')}
              <select id="triage-assignee"></select>
            </label>
            <button type="submit" class="secondary">{t('console.save')}</button>
          </form>
          <p class="hint no-print">{t('console.read_is_not_ack')}</p>
          <p class="hint" id="permission-hint" hidden>{t('console.permission_hint')}</p>
          <p id="triage-status-msg" role="status" aria-live="polite"></p>

          <form id="hold" hidden>
            <label>
              {t('console.hold_label')}
              <select id="hold-reason">
                <option value="">{t('console.hold_none')}</option>
                {HOLD_REASONS.map((r) => <option value={r}>{t(`hold_reason.${r}`)}</option>)}
              </select>
            </label>
            <label>
              {t('console.hold_reference')}
              <input type="text" id="hold-reference" maxlength={HOLD_REFERENCE_MAX} autocomplete="off" />
            </label>
            <label>
              {t('console.hold_note')}
              <textarea id="hold-note" rows={2} maxlength={HOLD_NOTE_MAX}></textarea>
            </label>
            <p class="hint">{t('console.hold_hint')}</p>
            <button type="submit" id="hold-save" class="secondary">{t('console.hold_save')}</button>
            <p id="hold-status" role="status" aria-live="polite"></p>
          </form>

          <h3>{t('console.thread_heading')}</h3>
          <ol id="case-thread" class="thread"></ol>

          {/* Shown while the reader's side has not acknowledged the case (src/client/console-case-view.ts). */}
          <div class="compose compose-ack" id="ack-box" hidden>
          <p class="hint" id="ack-hint">{t('console.ack_hint')}</p>
          <button type="button" id="send-ack" class="send" aria-describedby="ack-hint">{t('console.send_ack')}</button>
          </div>

          <div class="compose compose-reply">
          <label class="q" for="reply">✉ {t('console.reply_label')}</label>
          <p class="hint" id="reply-hint">{t('console.reply_hint')}</p>
          <textarea id="reply" rows={4} maxlength={LIMITS.description} aria-describedby="reply-hint"></textarea>
          <button type="button" id="send-reply" class="send">{t('console.send_reply')}</button>
          </div>

          <div class="compose compose-note">
          <label class="q" for="note">🔒 {t('console.note_label')}</label>
          <p class="hint" id="note-hint">{t('console.note_hint')}</p>
          <textarea id="note" rows={3} maxlength={LIMITS.description} aria-describedby="note-hint"></textarea>
          <button type="button" id="add-note" class="secondary">{t('console.add_note')}</button>
          </div>
          <p id="message-status" role="status" aria-live="polite"></p>

          <ShareView t={t} />
        </section>
      </section>

      <ClientMessages t={t} keys={CLIENT_KEYS} />
    </div>
  );
}
