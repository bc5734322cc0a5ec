/**
 * @module The translated messages a page script shows, rendered by the server from locales/
 * into a hidden list the script reads (src/client/page.ts), so no string lives in a bundle.
 */
import type { TFunction } from 'i18next';

export function ClientMessages({ t, keys }: { t: TFunction; keys: readonly string[] }) {
  return (
    <div id="messages" hidden>
      {keys.map((key) => (
        <span data-key={key}>{t(key)}</span>
      ))}
    </div>
  );
}
