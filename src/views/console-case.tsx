/**
 * @module One case on the console, laid out to read at a glance: who sent it to whom, each side's
 * status and what is due next, what the worker sent, then the thread and the boxes to write in.
 * The script (src/client/console-case-view.ts) fills in only what it decrypts, always as text.
 */
import type { TFunction } from 'i18next';
import { SEVERITIES } from '../domain/case';
import { LIMITS } from '../domain/report';
import { HOLD_NOTE_MAX, HOLD_REASONS, HOLD_REFERENCE_MAX } from '../domain/retention';
import { ShareView } from './console-share';

export function CaseView({ t }: { t: TFunction }) {
  return (
    <section id="case-view" aria-labelledby="case-heading" tabindex={-1} hidden>
      <div class="case-bar">
        <button type="button" id="back" class="secondary">
          {t('console.back')}
        </button>{' '}
        <button type="button" id="print-case" class="secondary">
          {t('console.print_case')}
        </button>
        {/* Leaving with an unsent reply or note asks here, beside the button (src/client/console-draft.ts). */}
        <p id="leave-warning" class="confirm-here no-print" role="alert" hidden></p>
      </div>
      <p class="print-only print-warning">{t('console.print_note')}</p>
      <h2 id="case-heading"></h2>
      {/* Who sent it to whom (src/client/console-case-view.ts showFacts). */}
      <dl class="route">
        <dt>{t('console.case_from_label')}</dt>
        <dd id="case-from"></dd>
        <dt>{t('console.case_to_label')}</dt>
        <dd id="case-to"></dd>
      </dl>
      <div class="case-grid">
        {/* First on a phone; beside what the worker sent on a laptop (src/client/console.css). */}
        <aside class="case-part case-status case-side-panel" aria-labelledby="case-status-heading">
          <h3 id="case-status-heading">{t('console.case_status_heading')}</h3>
          {/* What is due next on the reader's own side, and by when (src/domain/clocks.ts dueNext). */}
          <p id="case-due-next" class="due-next"></p>
          <ul id="case-facts" class="facts"></ul>
          <p id="case-triage-print" class="print-only"></p>
        </aside>
        <div class="case-main">
          <section class="case-part case-sent" aria-labelledby="worker-sent-heading">
            <h3 id="worker-sent-heading">{t('console.worker_sent_heading')}</h3>
            <dl id="report-fields" class="report"></dl>
            <h4>{t('console.attachments_heading')}</h4>
            <ul id="case-attachments" class="attachments" aria-label={t('console.attachments_heading')}></ul>
          </section>

          <section class="case-part" aria-labelledby="thread-heading">
            <h3 id="thread-heading">{t('console.thread_heading')}</h3>
            <ol id="case-thread" class="thread"></ol>

            {/* Shown while the reader's side has not acknowledged the case (src/client/console-case-view.ts). */}
            <div class="compose compose-ack" id="ack-box" hidden>
              <p class="hint" id="ack-hint">
                {t('console.ack_hint')}
              </p>
              <button type="button" id="send-ack" class="send" aria-describedby="ack-hint">
                {t('console.send_ack')}
              </button>
            </div>

            <div class="compose compose-reply">
              <label class="q" for="reply">
                ✉ {t('console.reply_label')}
              </label>
              <p class="hint" id="reply-hint">
                {t('console.reply_hint')}
              </p>
              <textarea id="reply" rows={4} maxlength={LIMITS.description} aria-describedby="reply-hint"></textarea>
              <div class="compose-actions">
                <button type="button" id="send-reply" class="send">
                  {t('console.send_reply')}
                </button>
                <button type="button" id="keep-writing" class="secondary" hidden>
                  {t('console.keep_writing')}
                </button>
              </div>
              {/* The question before a reply goes, right under the button that sends it. */}
              <p id="reply-confirm" class="confirm-here" role="status" aria-live="polite" hidden></p>
            </div>

            <div class="compose compose-note">
              <label class="q" for="note">
                🔒 {t('console.note_label')}
              </label>
              {/* Says who reads a note of this reader's role (src/client/console-sides.ts fitTriageForm). */}
              <p class="hint" id="note-hint"></p>
              <textarea id="note" rows={3} maxlength={LIMITS.description} aria-describedby="note-hint"></textarea>
              <div class="compose-actions">
                <button type="button" id="add-note" class="secondary">
                  {t('console.add_note')}
                </button>
              </div>
            </div>
            <p id="message-status" class="no-print" role="status" aria-live="polite"></p>
          </section>
        </div>

        <div class="case-tools">
          <section class="case-part no-print">
            <h3>{t('console.triage_heading')}</h3>
            <p id="triage-side" class="hint"></p>
            <form id="triage" class="filters stacked" novalidate>
              <label>
                {t('console.status')}
                <select id="triage-status"></select>
              </label>
              <label>
                {t('console.severity')}
                <select id="triage-severity">
                  <option value="">{t('console.severity_none')}</option>
                  {SEVERITIES.map((s) => (
                    <option value={s}>{t(`severity.${s}`)}</option>
                  ))}
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
              <button type="submit" class="secondary">
                {t('console.save')}
              </button>
            </form>
            <p id="triage-status-msg" class="no-print" role="status" aria-live="polite"></p>
            <p class="hint">{t('console.read_is_not_ack')}</p>
            <p class="hint" id="permission-hint" hidden>
              {t('console.permission_hint')}
            </p>

            <form id="hold" class="stacked" hidden>
              <label>
                {t('console.hold_label')}
                <select id="hold-reason">
                  <option value="">{t('console.hold_none')}</option>
                  {HOLD_REASONS.map((r) => (
                    <option value={r}>{t(`hold_reason.${r}`)}</option>
                  ))}
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
              <button type="submit" id="hold-save" class="secondary">
                {t('console.hold_save')}
              </button>
              <p id="hold-status" class="no-print" role="status" aria-live="polite"></p>
            </form>
          </section>

          <ShareView t={t} />
        </div>
      </div>
    </section>
  );
}
