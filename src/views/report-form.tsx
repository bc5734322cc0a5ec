/**
 * @module The report form and its receipt panel. Renders and can be filled in before any script
 * runs; free-text fields carry no `name`, so nothing typed can ever leave the phone unencrypted.
 */
import { DEFAULT_DEADLINES } from '../domain/clocks';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/retention';
import type { TFunction } from 'i18next';
import { CATEGORIES, LIMITS, SEND_TO, WHEN } from '../domain/report';
import type { OfferedFacility } from '../lib/offered-plants';
import { ClientMessages } from './client-messages';
import { NoScriptNotice } from './no-script-notice';
import { CONSTANCIA_MESSAGES, ConstanciaBox } from './constancia-box';
import { VOICE_MESSAGES, VoiceControl } from './voice-control';

export interface ReportFormProps {
  t: TFunction;
  lang: string;
  /** Set when the worker came through the facility's own link. */
  facility: OfferedFacility | null;
  /** The plants that can receive a report, each with the choices its signed list allows. */
  facilities: OfferedFacility[];
  facilityEmail: string | null;
  /** A plant's mail address (for the notice shown without JavaScript), or null when it has none. */
  mailAddress: (f: OfferedFacility) => string | null;
  /** The deployment's retention, for the receipt's erase schedule. */
  retention?: RetentionPolicy;
}

/** Messages the script shows; rendered here so every string still comes from locales/. */
const CLIENT_MESSAGES = [
  'form.send',
  'form.sending',
  'form.preparing',
  'errors.heading',
  'errors.facility_required',
  'errors.category_required',
  'errors.when_required',
  'errors.send_to_required',
  'errors.description_required',
  'errors.too_long',
  'form.chars_left',
  'errors.network',
  'errors.readers_unverified',
  'errors.crypto_unavailable',
  'errors.crypto_download',
  'errors.unavailable',
  'form.evidence_preview_alt',
  'form.evidence_cleaned',
  'form.evidence_warning',
  'form.evidence_remove',
  'form.evidence_too_many',
  'form.evidence_too_big',
  'form.evidence_bad_type',
  'form.evidence_unreadable',
  ...VOICE_MESSAGES,
  'form.uploading',
  'receipt.read_today',
  'receipt.copied',
  'receipt.copy_failed',
  'receipt.read_tomorrow',
  'receipt.time_morning',
  'receipt.time_afternoon',
  'receipt.time_night',
  ...CONSTANCIA_MESSAGES,
];

export function ReportForm({ t, lang, facility, facilities, facilityEmail, mailAddress, retention = DEFAULT_RETENTION }: ReportFormProps) {
  const required = <span class="req"> {t('form.required')}</span>;
  // The plant's own clocks when the form is for one plant; the defaults when the worker picks it.
  const clocks = facility?.clocks ?? DEFAULT_DEADLINES;
  return (
    <>
      {/* First on the page where scripts do not run: what to do instead, before anything is written. */}
      <NoScriptNotice t={t} facility={facility} facilities={facilities} mailAddress={mailAddress} />
      {/* The start of the page: hidden with the form once the receipt shows, so nothing above the code looks like a new report. */}
      <div id="intro">
        <h1>{t('intro.heading')}</h1>
        <p>{t('intro.lead')}</p>
        <ul class="promises">
          <li>{t('intro.promise_anonymous')}</li>
          <li>{t('intro.promise_encrypted')}</li>
          <li>{t('intro.promise_choose')}</li>
        </ul>
        <p class="emergency">{t('intro.emergency')}</p>
        <p class="links">
          <a href={`/seguimiento?lang=${lang}`} data-confirm={t('nav.leave_confirm')}>
            {t('followup.link')}
          </a>
          <a href={`/sin-rastro?lang=${lang}`} data-confirm={t('nav.leave_confirm')}>
            {t('no_trace.link')}
          </a>
        </p>
        <div class="choice needs-script">
          <input type="checkbox" id="neutral-title" data-title={t('meta.neutral_title')} />
          <label for="neutral-title">{t('no_trace.neutral_title')}</label>
        </div>
      </div>

      <form id="report" class="needs-script" novalidate data-lang={lang} data-email={facilityEmail ?? ''}>
        <div id="errors" class="errors" role="alert" tabindex={-1} hidden></div>

        {facility ? (
          <>
            <p class="fixed">{t('form.facility_fixed', { name: facility.name })}</p>
            <input type="hidden" id="facility" value={facility.id} data-name={facility.name} />
          </>
        ) : (
          <>
            <label class="q" for="facility">
              {t('form.facility')}
              {required}
            </label>
            <select id="facility" required>
              <option value="">{t('form.facility_choose')}</option>
              {facilities.map((f) => (
                <option value={f.id} data-code={f.shortCode} data-send-to={f.sendTo.join(' ')}>
                  {f.name}
                </option>
              ))}
            </select>
          </>
        )}

        <fieldset id="categories" aria-describedby="categories-hint">
          <legend>
            {t('form.what')}
            {required}
          </legend>
          <p class="hint" id="categories-hint">{t('form.what_hint')}</p>
          {CATEGORIES.map((code) => (
            <div class="choice">
              <input type="checkbox" id={`cat-${code}`} name="category" value={code} />
              <label for={`cat-${code}`}>
                {t(`categories.${code}.label`)}
                <span class="help" id={`cat-${code}-help`}>{t(`categories.${code}.help`)}</span>
              </label>
            </div>
          ))}
        </fieldset>

        <fieldset id="when">
          <legend>
            {t('form.when')}
            {required}
          </legend>
          {WHEN.map((code) => (
            <div class="choice">
              <input type="radio" id={`when-${code}`} name="when" value={code} />
              <label for={`when-${code}`}>{t(`when.${code}`)}</label>
            </div>
          ))}
        </fieldset>

        <label class="q" for="where">{t('form.where')}</label>
        <p class="hint" id="where-hint">{t('form.where_hint')}</p>
        <input type="text" id="where" maxlength={LIMITS.where} autocomplete="off" aria-describedby="where-hint" />

        <label class="q" for="who">{t('form.who')}</label>
        <p class="hint" id="who-hint">{t('form.who_hint')}</p>
        <textarea id="who" rows={2} maxlength={LIMITS.who} autocomplete="off" aria-describedby="who-hint"></textarea>

        <label class="q" for="description">
          {t('form.description')}
          {required}
        </label>
        <p class="hint" id="description-hint">{t('form.description_hint')}</p>
        <textarea id="description" rows={7} maxlength={LIMITS.description} required autocomplete="off" aria-describedby="description-hint description-left"></textarea>
        <p class="hint" id="description-left" aria-live="polite"></p>

        <fieldset id="evidence" aria-describedby="evidence-hint">
          <legend>{t('form.evidence')}</legend>
          <p class="hint" id="evidence-hint">{t('form.evidence_hint')}</p>
          {/* The native control is hidden (it says "no file chosen" in the phone's language): the label is the button. */}
          <input type="file" id="files" class="filepicker" multiple accept="image/*,audio/*,application/pdf" />
          <label class="filepick" for="files">{t('form.evidence_add')}</label>
          <VoiceControl t={t} hint="voice.hint" />
          <ul id="attachment-list" class="attachments" aria-live="polite"></ul>
        </fieldset>

        <fieldset id="send-to">
          <legend>
            {t('form.send_to')}
            {required}
          </legend>
          {/* Only the roles the plant's signed list has; with the plant chooser, the script hides the others. */}
          <p class="hint" id="send-to-no-monitor" hidden={!facility || facility.sendTo.includes('monitor')}>
            {t('send_to.no_monitor')}
          </p>
          <p class="hint" id="send-to-no-authority" hidden={!facility || facility.sendTo.includes('authority')}>
            {t('send_to.no_authority')}
          </p>
          {(facility?.sendTo ?? SEND_TO).map((code) => (
            <div class="choice" data-send-to={code}>
              <input type="radio" id={`send-to-${code}`} name="send_to" value={code} />
              <label for={`send-to-${code}`}>
                {t(`send_to.${code}.label`)}
                <span class="help" id={`send-to-${code}-help`}>{t(`send_to.${code}.help`)}</span>
              </label>
            </div>
          ))}
          <p class="help" id="send-to-recovery">
            {t('form.send_to_recovery')}
          </p>
        </fieldset>

        <button type="button" id="send" class="send" disabled>
          {t('form.preparing')}
        </button>
        <p id="upload-label" class="status" hidden></p>
        <progress id="upload-progress" max={100} value={0} aria-labelledby="upload-label" hidden></progress>
        <p id="status" class="status" role="status" aria-live="polite"></p>
      </form>

      {/* The code comes first, inside the heading the script focuses: a screen reader reads both at once. */}
      <section id="receipt" class="receipt" aria-labelledby="receipt-heading" hidden>
        <h1 id="receipt-heading" tabindex={-1}>
          <span class="receipt-title">{t('receipt.heading')}</span> <span id="receipt-code-label">{t('receipt.code_label')}</span>{' '}
          <span id="receipt-code" class="code"></span>
        </h1>
        <button type="button" id="copy-code" class="secondary">
          {t('receipt.copy')}
        </button>
        <p id="copy-status" class="status" role="status" aria-live="polite"></p>
        <p>
          <strong>{t('receipt.only_way')}</strong>
        </p>
        <h3>{t('receipt.when_heading')}</h3>
        <p>{t('receipt.batches')}</p>
        <p id="receipt-release"></p>
        <p class="emergency">{t('receipt.emergency')}</p>
        <h3>{t('receipt.save_heading')}</h3>
        <ul>
          <li>{t('receipt.save_paper')}</li>
          <li>{t('receipt.save_self')}</li>
          <li>{t('receipt.dont_share')}</li>
        </ul>
        <h3>{t('receipt.next_heading')}</h3>
        <p>{t('receipt.next')}</p>
        <ul id="receipt-clocks">
          <li>{t('receipt.next_ack', { days: clocks.acknowledge })}</li>
          <li>{t('receipt.next_answer', { days: clocks.answer })}</li>
          <li>{t('receipt.next_close', { days: clocks.close })}</li>
        </ul>
        <p>{t('receipt.next_check')}</p>
        {/* The erase schedule, said at send time (docs/privacy.md, Retention). */}
        <p>{t('receipt.retention', { closed: retention.closedDays, idle: retention.idleDays })}</p>
        <ConstanciaBox t={t} lang={lang} />
        <p>
          <a href={`/seguimiento?lang=${lang}`}>{t('followup.link')}</a>
        </p>
        <p>
          <a href={`?lang=${lang}`}>{t('receipt.new_report')}</a>
        </p>
      </section>

      <ClientMessages t={t} keys={CLIENT_MESSAGES} />
    </>
  );
}
