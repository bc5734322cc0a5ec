/**
 * @module The constancia panel (src/views/constancia-box.tsx): nothing of the constancia is on the
 * page until the worker taps "Ver constancia"; then its text, its QR code (uqr, as an SVG image;
 * its script loads from this origin on that first tap) and what it proves. Tapping again hides it and takes it off the page.
 */
import { $, formatDay, msg } from './page';

/** The QR drawer, a bundle of its own fetched from this origin on the first tap (src/client/qr.ts). */
const QR_MODULE = '/assets/qr.js';
let qr: Promise<{ qrDataUri: (text: string) => string }> | undefined;

/** Where the constancia comes from: given at once (the receipt) or fetched on the tap (follow-up). */
export type ConstanciaSource = () => Promise<string | null>;

/** Wires the button: `source` gives the constancia when it is tapped (null: none to show). */
export function constanciaPanel(lang: 'es' | 'en', source: ConstanciaSource) {
  const button = $<HTMLButtonElement>('show-constancia');
  const panel = $('constancia-panel');
  const status = $('constancia-status');
  let text: string | null = null;
  const hide = () => {
    panel.hidden = true;
    $('constancia-text').textContent = '';
    $<HTMLImageElement>('constancia-qr').removeAttribute('src');
    $('constancia-copy-status').textContent = '';
    button.textContent = msg('constancia.show');
    button.setAttribute('aria-expanded', 'false');
  };
  button.addEventListener('click', async () => {
    if (!panel.hidden) return hide();
    button.disabled = true;
    status.textContent = msg('constancia.loading');
    try {
      text = await source();
    } catch {
      text = null;
    }
    if (text) {
      try {
        qr ??= import(QR_MODULE);
        show(text, lang, (await qr).qrDataUri(text));
      } catch {
        qr = undefined;
        text = null;
      }
    }
    button.disabled = false;
    status.textContent = text ? '' : msg('constancia.unavailable');
    if (!text) return;
    button.textContent = msg('constancia.hide');
    button.setAttribute('aria-expanded', 'true');
  });
  $('copy-constancia').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text ?? '');
      $('constancia-copy-status').textContent = msg('constancia.copied');
    } catch {
      $('constancia-copy-status').textContent = msg('constancia.copy_failed');
    }
  });
  return { hide };
}

function show(text: string, lang: 'es' | 'en', qrImage: string) {
  const [, facility = '', day = ''] = text.split('.');
  $('constancia-proves').textContent = msg('constancia.what_proves', { facility, day: formatDay(day, lang) });
  $('constancia-text').textContent = text;
  const image = $<HTMLImageElement>('constancia-qr');
  image.src = qrImage;
  image.alt = msg('constancia.qr_alt');
  $('constancia-panel').hidden = false;
}
