/**
 * @module A guess at the language of a mail, from its most common small words. Only a hint for
 * readers; Spanish wins a tie because most reports are written in Spanish.
 */
import type { Language } from '../domain/report';

const SPANISH = new Set(
  'el la los las de del que y en un una por con para no se su sus al lo es son pero como más me mi nos yo fue hay muy porque cuando este esta ese esa también sindicato trabajo planta jefe supervisor nos dijeron'.split(' '),
);
const ENGLISH = new Set(
  'the and of to in a is that for it on with as was are be this by not have from or but they we you he she at my our there their union work plant boss supervisor told'.split(' '),
);

/** 'en' when clearly more English than Spanish words are found, otherwise 'es'. */
export function guessLanguage(...texts: string[]): Language {
  let es = 0;
  let en = 0;
  for (const word of texts.join(' ').toLowerCase().split(/[^a-záéíóúñü]+/)) {
    if (SPANISH.has(word)) es++;
    if (ENGLISH.has(word)) en++;
  }
  return en > es ? 'en' : 'es';
}
