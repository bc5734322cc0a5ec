/**
 * @module The constancia panel (src/views/constancia-box.tsx): nothing of the constancia is on the
 * page until the worker taps "Ver constancia"; then its text, its QR code (uqr, as an SVG image;
 * its script loads from this origin, pinned by its hash, on that first tap) and what it proves.
 * Tapping again hides it and takes it off the page.
 */
import { $, formatDay, msg } from './page';

type QrDrawer = (text: string) => string;
let qr: Promise<QrDrawer> | undefined;

/** The QR drawer's hash, put into this bundle by scripts/build.mjs after it built qr.js. */
declare const __QR_INTEGRITY__: string;
const QR_SCRIPT = '/assets/qr.js';

/**
 * The QR drawer (src/client/qr.ts), a bundle of its own: added on the first tap as a module script
 * from this origin, pinned by the hash this (pinned) bundle carries. Not one the page names: the
 * page's markup is not pinned, so a hash in it would let a deployment swap the drawer unseen.
 */
function loadQr(): Promise<QrDrawer> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = QR_SCRIPT;
    script.integrity = __QR_INTEGRITY__;
    script.addEventListener('load', () => {
      const draw = (globalThis as { buzonQr?: QrDrawer }).buzonQr;
      if (draw) resolve(draw);
      else reject(new Error('qr'));
    });
    script.addEventListener('error', () => reject(new Error('qr')));
    document.head.append(script);
  });
}

/**
 * Where the constancia comes from: given at once (the receipt) or fetched on the tap (follow-up),
 * with the plant's name as this site knows it (the signed text names the plant by its id).
 */
export type ConstanciaSource = () => Promise<{ text: string; plantName: string | null } | null>;

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
    let plantName: string | null = null;
    try {
      ({ text, plantName } = (await source()) ?? { text: null, plantName: null });
    } catch {
      text = null;
    }
    if (text) {
      try {
        qr ??= loadQr();
        show(text, plantName, lang, (await qr)(text));
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

/** Fills the panel; the plant by its name where known, and what the id in the text is. */
function show(text: string, plantName: string | null, lang: 'es' | 'en', qrImage: string) {
  const [, facility = '', day = ''] = text.split('.');
  const proves = msg('constancia.what_proves', { plant: plantName ?? facility, day: formatDay(day, lang) });
  $('constancia-proves').textContent = `${proves} ${msg('constancia.plant_id', { id: facility })}`;
  $('constancia-text').textContent = text;
  const image = $<HTMLImageElement>('constancia-qr');
  image.src = qrImage;
  image.alt = msg('constancia.qr_alt');
  $('constancia-panel').hidden = false;
}
