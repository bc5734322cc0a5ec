/**
 * @module Translations: one i18next instance per language, built once per isolate.
 */
import i18next, { type TFunction } from 'i18next';
import en from '../locales/en.json';
import es from '../locales/es.json';
import { LANGUAGES, type Language } from './domain/report';

const instances = new Map<Language, TFunction>();

/** The translate function for a language (Spanish is the default and the fallback). */
export function translator(lang: Language): TFunction {
  let t = instances.get(lang);
  if (!t) {
    const instance = i18next.createInstance();
    // initAsync: false, resources given: ready when init returns; its promise has nothing to wait for.
    void instance.init({
      lng: lang,
      fallbackLng: 'es',
      resources: { es: { translation: es }, en: { translation: en } },
      initAsync: false,
      interpolation: { escapeValue: false }, // hono/jsx escapes on render
      returnNull: false,
    });
    t = instance.t.bind(instance) as TFunction;
    instances.set(lang, t);
  }
  return t;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
