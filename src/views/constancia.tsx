/**
 * @module The public /constancia page: paste a proof of filing, read whether it is valid, for
 * which plant and which day. Works without JavaScript (a plain form POST); nothing is kept.
 */
import type { TFunction } from 'i18next';

/** What checking a pasted constancia found; none before anything was pasted. */
export type ConstanciaResult =
  | { kind: 'valid'; facility: string; facilityName: string | null; day: string }
  | { kind: 'invalid' }
  | { kind: 'empty' }
  | { kind: 'unavailable' };

export function ConstanciaPage({ t, lang, result, publicKey }: { t: TFunction; lang: string; result?: ConstanciaResult; publicKey: string | null }) {
  return (
    <>
      <h1>{t('verify.heading')}</h1>
      <p>{t('verify.lead')}</p>
      {result && <Result t={t} lang={lang} result={result} />}
      <form method="post" action={`/constancia?lang=${lang}`} id="verify-form">
        <label class="q" for="constancia">
          {t('verify.label')}
        </label>
        <p class="hint" id="constancia-hint">{t('verify.hint')}</p>
        <textarea id="constancia" name="constancia" rows={4} maxlength={1000} autocomplete="off" spellcheck={false} aria-describedby="constancia-hint"></textarea>
        <button type="submit" class="send" id="verify">
          {t('verify.button')}
        </button>
      </form>
      <h2>{t('verify.what_heading')}</h2>
      <ul>
        <li>{t('verify.proves')}</li>
        <li>{t('verify.not_proves')}</li>
        <li>{t('verify.code_note')}</li>
        <li>{t('verify.nothing_kept')}</li>
      </ul>
      <h2>{t('verify.offline_heading')}</h2>
      <p>{t('verify.offline')}</p>
      {publicKey && (
        <p>
          {t('verify.key')} <code id="constancia-public-key">{publicKey}</code> (<a href="/.well-known/buzon-constancia.json">/.well-known/buzon-constancia.json</a>)
        </p>
      )}
    </>
  );
}

function Result({ t, lang, result }: { t: TFunction; lang: string; result: ConstanciaResult }) {
  if (result.kind !== 'valid') {
    return (
      <div id="verify-result" class="errors" role="alert" data-valid="false">
        <p>
          <strong>{t(`verify.${result.kind}`)}</strong>
        </p>
      </div>
    );
  }
  const day = new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : 'es-MX', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${result.day}T12:00:00Z`));
  return (
    <div id="verify-result" class="receipt" role="status" data-valid="true" data-facility={result.facility} data-day={result.day}>
      <p>
        <strong>{t('verify.valid')}</strong>
      </p>
      <p>{t('verify.valid_facility', { name: result.facilityName ?? result.facility, id: result.facility })}</p>
      <p>{t('verify.valid_day', { day })}</p>
      <p>{t('verify.reveals')}</p>
    </div>
  );
}
