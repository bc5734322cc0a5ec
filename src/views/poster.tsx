/**
 * @module The printable poster for a facility's break room: Spanish first, English below, a QR
 * code to the facility's own link, its email address, and three promises in plain words.
 */
import type { TFunction } from 'i18next';
import type { SendTo } from '../domain/case-sides';
import { mailReaders } from '../domain/mail-readers';

export interface PosterProps {
  es: TFunction;
  en: TFunction;
  facilityName: string;
  link: string;
  email: string | null;
  /** Who reads a mail to that address (facilities.mail_send_to). */
  mailSendTo: SendTo;
  /** The QR code as an SVG data URI (made with uqr on the server). */
  qr: string;
}

function Side({ t, facilityName, link, email, mailSendTo, qr, lang }: Omit<PosterProps, 'es' | 'en'> & { t: TFunction; lang: string }) {
  return (
    <section class={`poster-side poster-${lang}`} lang={t('meta.lang')}>
      <h1>{t('poster.heading')}</h1>
      <p class="poster-lead">{t('poster.lead', { name: facilityName })}</p>
      <ol class="promises">
        <li>{t('poster.promise_anonymous')}</li>
        <li>{t('poster.promise_encrypted')}</li>
        <li>{t('poster.promise_choose')}</li>
      </ol>
      {lang === 'es' && <img class="qr" src={qr} alt={t('poster.qr_alt', { link })} />}
      <p class="poster-link">
        {t('poster.scan')} <strong>{link}</strong>
      </p>
      {email && (
        <p class="poster-link">
          {t('poster.email')} <strong>{email}</strong> {mailReaders(t, mailSendTo, 'poster')}
        </p>
      )}
    </section>
  );
}

export function Poster(p: PosterProps) {
  return (
    <article class="poster">
      <Side t={p.es} lang="es" facilityName={p.facilityName} link={p.link} email={p.email} mailSendTo={p.mailSendTo} qr={p.qr} />
      <Side t={p.en} lang="en" facilityName={p.facilityName} link={p.link} email={p.email} mailSendTo={p.mailSendTo} qr={p.qr} />
    </article>
  );
}
