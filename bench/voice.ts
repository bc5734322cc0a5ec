/**
 * @module "Grabar mi voz" on a throttled phone: the bytes the control loads when tapped (the form
 * itself loads none of it), and how long the disguise of a 3-minute recording takes with the CPU
 * slowed 4× (Emulation.setCPUThrottlingRate), against the budget of the recording's own length.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fakeMicrophone, launchChromium, phoneContext } from '../scripts/lib/browser';
import { speakSample } from '../scripts/lib/voice-sample';
import { decodeWav, encodeWav } from '../src/client/voice/wav';

const SECONDS = 180;

export async function voiceBench(base: string) {
  const sample = speakSample(await mkdtemp(join(tmpdir(), 'buzon-voice-')));
  // The sample repeated to 3 minutes, as the WAV a recorder could have produced (decoded like any recording).
  const { samples, sampleRate } = decodeWav(new Uint8Array(await readFile(sample)));
  const long = new Float32Array(SECONDS * sampleRate);
  for (let i = 0; i < long.length; i += samples.length) long.set(samples.subarray(0, Math.min(samples.length, long.length - i)), i);
  const recording = Buffer.from(encodeWav(long, sampleRate)).toString('base64');

  const browser = await launchChromium({ args: fakeMicrophone(sample) });
  try {
    const context = await phoneContext(browser);
    await context.grantPermissions(['microphone'], { origin: base });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const urls = new Map<string, string>();
    const sizes = new Map<string, number>();
    let tapped = false;
    const afterTap = new Set<string>();
    cdp.on('Network.requestWillBeSent', (e) => (urls.set(e.requestId, e.request.url), tapped && afterTap.add(e.requestId)));
    cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    const formScripts = [...urls.entries()].filter(([, u]) => u.includes('/assets/voice')).length;
    tapped = true;
    await page.tap('#voice-start');
    await page.getByRole('button', { name: 'Terminar de grabar' }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(300);
    const loaded = [...afterTap].map((id) => ({ url: urls.get(id)!.replace(base, ''), bytes: sizes.get(id) ?? 0 }));
    const raw = (await readFile('public/assets/voice.js')).length;
    console.log('\n## Voice control ("Grabar mi voz")');
    console.log(`before the tap: ${formScripts} voice requests (the form loads none of the recorder)`);
    for (const r of loaded) console.log(`  after the tap: ${r.url}: ${r.bytes} B on the wire`);
    console.log(`voice.js: ${raw} B raw, ${gzipSync(await readFile('public/assets/voice.js'), { level: 6 }).length} B gzip; total loaded by the tap: ${loaded.reduce((n, r) => n + r.bytes, 0)} B`);

    // Unthrottled first, once, so the 4× figures can be seen to be slowed down.
    for (const [rate, semitones] of [[1, -7], [4, 5], [4, -5], [4, 7], [4, -7]] as const) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      const ms = await page.evaluate(
        async ({ recording, semitones }) => {
          const bytes = Uint8Array.from(atob(recording), (c) => c.charCodeAt(0));
          const { disguiseRecording } = (await import('/assets/voice.js' as string)) as typeof import('../src/client/voice/recorder');
          const started = performance.now();
          const voice = await disguiseRecording(bytes.buffer, undefined, semitones);
          if (Math.abs(voice.seconds - 180) > 1) throw new Error(`length ${voice.seconds}`);
          return performance.now() - started;
        },
        { recording, semitones },
      );
      console.log(`disguise of ${SECONDS} s at ${semitones > 0 ? '+' : ''}${semitones} semitones, ${rate === 1 ? 'CPU not slowed' : 'CPU 4× slower'}: ${(ms / 1000).toFixed(1)} s (budget ${SECONDS} s, ${((ms / 1000 / SECONDS) * 100).toFixed(0)} % of it)`);
    }
  } finally {
    await browser.close();
  }
}
