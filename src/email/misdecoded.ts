/**
 * @module Text that was UTF-8 but got read as Latin-1 or windows-1252 ("amenazÃ³" for "amenazó"),
 * as happens when a phone writes UTF-8 under a "us-ascii" or "iso-8859-1" label.
 */

/**
 * Â or Ã (the lead bytes of U+0080–U+00FF, where every Spanish letter lives) followed by what a
 * continuation byte becomes in windows-1252. Real words hardly ever have them side by side;
 * «sí» or "Déjà…" do have other accented letters before such characters, hence only these two.
 */
const SIGNATURE = /[\u00c2\u00c3][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]/;

let cp1252High: Map<string, number> | undefined;

/** The single bytes a Latin-1/windows-1252 decoder read the text from, or null if it cannot have been. */
function singleBytes(text: string): Uint8Array | null {
  // windows-1252 maps 0x80–0x9f to other characters (€, “, …): ask the platform's decoder which.
  cp1252High ??= new Map([...new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i))].map((c, i) => [c, 0x80 + i]));
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code <= 0xff ? code : cp1252High.get(text[i]!);
    if (byte === undefined) return null;
    out[i] = byte;
  }
  return out;
}

/** Whether the text looks like UTF-8 read in a single-byte charset. */
const looksMisdecoded = (text: string) => SIGNATURE.test(text);

/** The text read again as UTF-8, when it is wholly UTF-8 that was read as single bytes; otherwise null. */
export function repairMisdecoded(text: string): string | null {
  if (!looksMisdecoded(text)) return null;
  const bytes = singleBytes(text);
  if (!bytes) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}
