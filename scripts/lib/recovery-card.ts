/**
 * @module A plant's recovery key on paper (src/crypto/recovery.ts): the card `npm run keys --
 * recovery` prints, and reading its code back for `npm run decrypt` and `keys handover`. The card
 * holds the private key's only copy: it never goes to the server or into the repository.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { deriveRecoveryKey, normalizeRecoveryCode, type RecoveryKey, type Sodium } from '../../src/crypto';

/** The card's text, bilingual: it is kept with the plant's papers, read by whoever opens the envelope. */
export function recoveryCardText(facility: { id: string; name: string }, keyId: string, code: string, day: string): string {
  return [
    'BUZÓN — LLAVE DE RECUPERACIÓN / RECOVERY KEY',
    `Planta / Plant: ${facility.name} (${facility.id})`,
    `Llave / Key id: ${keyId}`,
    `Hecha / Made: ${day}`,
    '',
    `Código / Code: ${code}`,
    '',
    'Abre los reportes de esta planta si se pierden las llaves de todos sus monitores.',
    'Guárdala en papel, en un sobre cerrado, fuera de la planta. No la escanees ni la envíes.',
    'Opens this plant\'s reports if every monitor\'s key is lost.',
    'Keep it on paper, in a sealed envelope, away from the plant. Do not scan or send it.',
    '  npm run decrypt -- --recovery-file CARD          (read the cases)',
    '  npm run keys -- handover --from ' + keyId + ' --to NEW_KEY --recovery-file CARD',
    '',
  ].join('\n');
}

export function writeRecoveryCard(file: string, text: string) {
  writeFileSync(file, text, { mode: 0o600 });
}

/** The recovery code on a card file (the line that says `Code:`, or any line that is a code). */
export function recoveryCodeIn(text: string): string | null {
  for (const line of text.split('\n')) {
    const candidate = line.includes(':') ? line.slice(line.lastIndexOf(':') + 1) : line;
    if (normalizeRecoveryCode(candidate)) return candidate.trim();
  }
  return null;
}

/** The recovery key from a card file, or from BUZON_RECOVERY_CODE. */
export function loadRecoveryKey(s: Sodium, file: string | undefined): RecoveryKey {
  const code = file ? recoveryCodeIn(readFileSync(file, 'utf8')) : process.env.BUZON_RECOVERY_CODE?.trim();
  if (!code || !normalizeRecoveryCode(code)) throw new Error(file ? `no recovery code in ${file}` : 'give --recovery-file CARD or set BUZON_RECOVERY_CODE');
  return deriveRecoveryKey(s, code);
}
