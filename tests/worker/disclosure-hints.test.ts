/**
 * Two things a worker must read before choosing (issue 26 §5): the constancia names the plant and
 * the release day, which in a quiet plant points at the case for anyone who also reads the console;
 * and a plant's recovery key, held by the operator, reads the reports sent to the monitor. Both are
 * on the page as served, in both languages, outside anything hidden until tapped.
 */
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import es from '../../locales/es.json';
import en from '../../locales/en.json';
import { makeFacility, sodium } from './helpers';

const page = async (path: string) => (await SELF.fetch(`https://buzon.test${path}`)).text();
/** The text as hono/jsx escapes it. */
const escaped = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
/** The markup before the constancia panel, which stays hidden and empty until tapped. */
const beforePanel = (html: string) => html.slice(0, html.indexOf('id="constancia-panel"'));

describe('what the worker is told before choosing', () => {
  // A plant whose signed list can receive a report, so / shows the form (src/lib/offered-plants.ts).
  beforeAll(async () => {
    await makeFacility(await sodium());
  });

  for (const [lang, locale] of [
    ['es', es],
    ['en', en],
  ] as const) {
    it(`should say, before the constancia is shown, that it names the plant and day and may point at the case (${lang})`, async () => {
      for (const path of [`/?lang=${lang}`, `/seguimiento?lang=${lang}`]) {
        const html = await page(path);
        expect(html).toContain('id="constancia-panel"');
        expect(beforePanel(html)).toContain(escaped(locale.constancia.risk));
      }
    });

    it(`should say next to the recipient choice that a plant's recovery key can read reports sent to the monitor (${lang})`, async () => {
      const html = await page(`/?lang=${lang}`);
      const choice = html.slice(html.indexOf('<fieldset id="send-to"'), html.indexOf('</fieldset>', html.indexOf('<fieldset id="send-to"')));
      expect(choice).toContain(escaped(locale.form.send_to_recovery));
    });
  }
});
