/**
 * @module The worker's follow-up page: type the receipt code, read the answers, write back.
 * The code is typed into a field without a name and never goes in a URL.
 */
import type { TFunction } from 'i18next';
import { CATEGORIES, LIMITS } from '../domain/report';
import { ClientMessages } from './client-messages';
import { CONSTANCIA_MESSAGES, ConstanciaBox } from './constancia-box';
import { CASE_SIDE_KEYS } from '../domain/case-sides';
import { VOICE_MESSAGES, VoiceControl } from './voice-control';

const CLIENT_MESSAGES = [
  ...CASE_SIDE_KEYS,
  'followup.open',
  'followup.opening',
  'followup.code_invalid',
  'followup.code_bad_u',
  'followup.code_bad_symbol',
  'followup.code_count',
  'followup.received',
  'followup.no_messages',
  'followup.from_monitor',
  'followup.from_official',
  'followup.from_worker',
  'followup.not_verified',
  'followup.erase_on',
  'followup.erase_button',
  'followup.erase_held',
  'followup.erase_confirm',
  'followup.erase_confirm_hint',
  'followup.erased',
  'followup.erase_waits',
  'followup.keep_button',
  'followup.kept',
  'followup.widened',
  'followup.widen_pending',
  'followup.sent_to',
  'followup.sent_categories',
  'followup.sent_files',
  'followup.standard_acknowledgement',
  ...CATEGORIES.map((c) => `categories.${c}.label`),
  'send_to.monitor.label',
  'send_to.authority.label',
  'send_to.both.label',
  'errors.readers_unverified',
  'followup.send_answer',
  'followup.sending',
  'followup.answer_sent',
  'followup.answer_required',
  'followup.network',
  'followup.network_answer',
  'followup.files_sent',
  'followup.files_received',
  'followup.file_open',
  'followup.file_play',
  'followup.file_download',
  'followup.file_failed',
  ...VOICE_MESSAGES,
  'form.evidence_preview_alt',
  'form.evidence_cleaned',
  'form.evidence_warning',
  'form.evidence_remove',
  'form.evidence_too_many',
  'form.evidence_too_big',
  'form.evidence_bad_type',
  'form.evidence_unreadable',
  'form.uploading',
  'status.new',
  'status.acknowledged',
  'status.investigating',
  'status.resolved',
  'status.permission_asked',
  'status.referred',
  'followup.widen_button',
  'followup.widen_confirm',
  'followup.widen_working',
  'followup.widen_done',
  'followup.widen_none',
  'followup.widen_unavailable',
  'followup.request_authority',
  'followup.request_authority_button',
  'status.not_substantiated',
  'errors.crypto_unavailable',
  'errors.crypto_download',
  'errors.unavailable',
  ...CONSTANCIA_MESSAGES,
];

export function FollowUp({ t, lang }: { t: TFunction; lang: string }) {
  return (
    <>
      <h1>{t('followup.heading')}</h1>
      <noscript>
        <p class="notice">{t('followup.noscript')}</p>
      </noscript>
      <form id="open-case" class="needs-script" novalidate data-lang={lang}>
        <p>{t('followup.lead')}</p>
        <label class="q" for="receipt-code">
          {t('followup.code_label')}
        </label>
        <p class="hint" id="receipt-code-hint">{t('followup.code_hint')}</p>
        <input
          type="text"
          id="receipt-code"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          maxlength={40}
          aria-describedby="receipt-code-hint"
        />
        <div id="errors" class="errors" role="alert" tabindex={-1} hidden></div>
        <button type="button" id="open" class="send" disabled>
          {t('followup.preparing')}
        </button>
        <p id="status" class="status" role="status" aria-live="polite"></p>
      </form>

      <section id="case" tabindex={-1} aria-labelledby="case-status-label" hidden>
        <p id="case-status-label">{t('followup.status_label')}</p>
        <ul id="case-status" class="fixed sides" aria-labelledby="case-status-label"></ul>
        <p id="case-received"></p>
        <p id="case-erase"></p>
        {/* "Guardar otros 180 días" (src/client/follow-up-keep.ts): shown while the case has an erase day. */}
        <div id="keep" hidden>
          <p class="hint" id="keep-hint">{t('followup.keep_hint')}</p>
          <button type="button" id="keep-case" class="secondary" aria-describedby="keep-hint"></button>
          <p id="keep-status" role="status" aria-live="polite"></p>
        </div>
        <details id="sent" hidden>
          <summary>{t('followup.sent_heading')}</summary>
          <p id="sent-to"></p>
          <p id="sent-categories"></p>
          <p id="sent-files"></p>
          <p id="sent-text" class="sent-text"></p>
        </details>
        {/* The worker's referral (src/client/follow-up-widen.ts): only they can bring in the authority, never undone. */}
        <section id="widen" aria-labelledby="widen-heading" hidden>
          <h2 id="widen-heading">{t('followup.widen_heading')}</h2>
          <p>{t('followup.widen_explain')}</p>
          <div id="widen-confirm" class="notice" tabindex={-1} hidden>
            <p>{t('followup.widen_confirm_explain')}</p>
            <p>
              <strong>{t('followup.widen_final')}</strong>
            </p>
          </div>
          <button type="button" id="widen-button" class="secondary">
            {t('followup.widen_button')}
          </button>
        </section>
        <p id="widened" hidden>
          {t('followup.widened')}
        </p>
        <p id="widen-status" class="status" role="status" aria-live="polite" tabindex={-1}></p>
        <h2>{t('followup.messages_heading')}</h2>
        <ol id="thread" class="thread"></ol>
        <label class="q" for="answer">
          {t('followup.answer_label')}
        </label>
        <p class="hint" id="answer-hint">{t('followup.answer_hint')}</p>
        <textarea id="answer" rows={5} maxlength={LIMITS.description} autocomplete="off" aria-describedby="answer-hint"></textarea>
        {/* Files added later: cleaned and sealed like the report form's, sent with this answer (src/client/follow-up-files.ts). */}
        <fieldset id="answer-evidence" aria-describedby="answer-files-hint">
          <legend>{t('followup.files_label')}</legend>
          <p class="hint" id="answer-files-hint">{t('followup.files_hint')}</p>
          <input type="file" id="answer-files" class="filepicker" multiple accept="image/*,audio/*,application/pdf" />
          <label class="filepick" for="answer-files">{t('form.evidence_add')}</label>
          <VoiceControl t={t} prefix="answer-" hint="followup.voice_hint" />
          <ul id="answer-attachment-list" class="attachments" aria-live="polite"></ul>
        </fieldset>
        <p id="answer-upload-label" class="status" hidden></p>
        <progress id="answer-upload-progress" max={100} value={0} aria-labelledby="answer-upload-label" hidden></progress>
        <div id="answer-errors" class="errors" role="alert" tabindex={-1} hidden></div>
        <button type="button" id="send-answer" class="send">
          {t('followup.send_answer')}
        </button>
        <p id="answer-status" class="status" role="status" aria-live="polite"></p>
        <ConstanciaBox t={t} lang={lang} clocks />
        <details id="erase">
          <summary>{t('followup.erase_heading')}</summary>
          <p>{t('followup.erase_explain')}</p>
          <button type="button" id="erase-case" class="secondary">
            {t('followup.erase_button')}
          </button>
          <p id="erase-status" class="status" role="status" aria-live="polite"></p>
        </details>
        <p>
          <a class="secondary" href={`/seguimiento?lang=${lang}`} id="close-case">
            {t('followup.close')}
          </a>
        </p>
      </section>

      <ClientMessages t={t} keys={CLIENT_MESSAGES} />
    </>
  );
}
