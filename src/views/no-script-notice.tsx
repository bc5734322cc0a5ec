/**
 * @module What the report page says where scripts do not run: this browser cannot send securely,
 * and what to do instead (the plant's mail address, who reads that mail, another browser). Inside
 * <noscript>, so it shows only then, before anything is written; the form is hidden at the same
 * time by the layout's no-script stylesheet (`.needs-script`).
 */
import type { TFunction } from 'i18next';
import { mailReaders } from '../domain/mail-readers';
import type { OfferedFacility } from '../lib/offered-plants';

interface Props {
  t: TFunction;
  /** The plant of the page, when the worker came through its own link. */
  facility: OfferedFacility | null;
  /** The plants offered on the chooser page. */
  facilities: OfferedFacility[];
  mailAddress: (f: OfferedFacility) => string | null;
}

export function NoScriptNotice({ t, facility, facilities, mailAddress }: Props) {
  const plants = (facility ? [facility] : facilities).flatMap((f) => {
    const address = mailAddress(f);
    return address ? [{ f, address }] : [];
  });
  return (
    <noscript>
      <section id="no-script" class="notice" aria-labelledby="no-script-heading">
        <h2 id="no-script-heading">{t('no_script.heading')}</h2>
        <p>{t('no_script.why')}</p>
        {plants.length === 0 ? (
          <p>{t('no_script.mail_poster')}</p>
        ) : facility ? (
          <p>
            {t('no_script.mail_one')} <a href={`mailto:${plants[0]!.address}`}>{plants[0]!.address}</a>. {mailReaders(t, facility.mailSendTo, 'noscript')}
          </p>
        ) : (
          <>
            <p>{t('no_script.mail_many')}</p>
            <ul class="no-script-plants">
              {plants.map(({ f, address }) => (
                <li>
                  <strong>{f.name}</strong>: <a href={`mailto:${address}`}>{address}</a>. {mailReaders(t, f.mailSendTo, 'noscript')}
                </li>
              ))}
            </ul>
          </>
        )}
        <p>{t('no_script.mail_privacy')}</p>
        <p>{t('no_script.other_browser')}</p>
      </section>
    </noscript>
  );
}
