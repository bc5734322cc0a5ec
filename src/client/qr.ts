/**
 * @module The QR code drawer (uqr), its own small bundle (/assets/qr.js): the constancia panel
 * adds it as a script pinned by its integrity hash only when the worker asks to see the
 * constancia, so the form's first bytes do not grow. It hands the panel one function.
 */
import { renderSVG } from 'uqr';

/** The text as a QR code, an SVG data URI for an <img> (the CSP allows data: images, nothing else is fetched). */
export function qrDataUri(text: string): string {
  return `data:image/svg+xml;base64,${btoa(renderSVG(text, { border: 2, ecc: 'M' }))}`;
}

(globalThis as { buzonQr?: typeof qrDataUri }).buzonQr = qrDataUri;
