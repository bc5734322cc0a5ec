/**
 * @module The recorder's words, in the page's language. They travel in /assets/voice.js (only
 * the `voice` part of each locale), not in the form's HTML, so the form does not grow.
 */
import { voice as en } from '../../../locales/en.json';
import { voice as es } from '../../../locales/es.json';

type Key = keyof typeof es;

export function say(key: Key, values: Record<string, string | number> = {}): string {
  const words = document.documentElement.lang === 'en' ? en : es;
  return words[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
}
