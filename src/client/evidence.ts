/**
 * @module Evidence files on the report page: checks them, removes the hidden data from photos by
 * drawing them again (no EXIF, GPS, maker notes or thumbnails survive a canvas) at one of a few
 * fixed sizes, names every file by its kind and place (`foto-1.jpg`), shows exactly what will be
 * sent, and keeps everything in page memory only.
 */
import { ATTACHMENT_LIMITS, attachmentKind, imageSize, neutralNames } from '../domain/attachment';
import { el, msg } from './page';
import { voiceButton } from './voice/button';
import type { Evidence } from './evidence-item';



/**
 * Draws an image on a canvas and encodes it again: only the pixels survive. The canvas has one of
 * a few fixed sizes (`imageSize`), so the dimensions do not tell the phone's screen or camera.
 */
async function cleanImage(file: File): Promise<{ bytes: Uint8Array; type: string; width: number; height: number }> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  let size: { width: number; height: number };
  try {
    size = imageSize(bitmap.width, bitmap.height);
  } catch (err) {
    bitmap.close();
    throw err;
  }
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const type = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.85));
  if (!blob) throw new Error('encode failed');
  return { bytes: new Uint8Array(await blob.arrayBuffer()), type, ...size };
}

/**
 * `voice`: the page's "Grabar mi voz" button and the panel its recorder runs in (the report form's,
 * the follow-up answer's); its disguised recording joins this list like a picked audio file.
 */
export function evidencePicker(opts: {
  input: HTMLInputElement;
  list: HTMLElement;
  problems: (list: string[]) => void;
  newId: () => string;
  voice?: { button: HTMLButtonElement; panel: HTMLElement };
}) {
  const items: Evidence[] = [];

  function render() {
    // Names follow the list: removing foto-1 makes the next photo foto-1, so what is sent has no gaps.
    neutralNames(items.map((item) => item.type)).forEach((name, i) => (items[i]!.name = name));
    opts.list.replaceChildren();
    for (const item of items) {
      const li = el('li', null, { class: 'attachment' });
      if (item.previewUrl) li.append(el('img', null, { src: item.previewUrl, alt: msg('form.evidence_preview_alt', { name: item.name }) }));
      li.append(el('span', `${item.name} · ${Math.ceil(item.bytes.length / 1024)} KB`, { class: 'name' }));
      li.append(el('span', item.note ?? (item.cleaned ? msg('form.evidence_cleaned') : msg('form.evidence_warning')), { class: item.cleaned ? 'note' : 'warning' }));
      const remove = el('button', msg('form.evidence_remove'), { type: 'button', class: 'secondary', 'aria-label': `${msg('form.evidence_remove')}: ${item.name}` });
      remove.addEventListener('click', () => {
        if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
        items.splice(items.indexOf(item), 1);
        render();
        item.onRemoved?.();
        opts.input.focus();
      });
      li.append(remove);
      opts.list.append(li);
    }
  }

  opts.input.addEventListener('change', async () => {
    const problems: string[] = [];
    for (const file of [...(opts.input.files ?? [])]) {
      const kind = attachmentKind(file.type);
      if (items.length >= ATTACHMENT_LIMITS.files) {
        problems.push(msg('form.evidence_too_many', { count: ATTACHMENT_LIMITS.files }));
        break;
      }
      if (!kind) {
        problems.push(msg('form.evidence_bad_type', { name: file.name }));
        continue;
      }
      if (file.size > ATTACHMENT_LIMITS.bytesPerFile) {
        problems.push(msg('form.evidence_too_big', { name: file.name }));
        continue;
      }
      try {
        if (kind === 'image') {
          const { bytes, type, width, height } = await cleanImage(file);
          // Redrawn at a fixed size, a photo can come out bigger than it went in.
          if (bytes.length > ATTACHMENT_LIMITS.bytesPerFile) {
            problems.push(msg('form.evidence_too_big', { name: file.name }));
            continue;
          }
          const previewUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
          items.push({ id: opts.newId(), name: '', type, bytes, cleaned: true, previewUrl, width, height });
        } else {
          items.push({ id: opts.newId(), name: '', type: file.type, bytes: new Uint8Array(await file.arrayBuffer()), cleaned: false });
        }
      } catch {
        problems.push(msg('form.evidence_unreadable', { name: file.name }));
      }
    }
    opts.input.value = ''; // the file stays only in page memory, not in the input
    render();
    opts.problems(problems);
  });

  // "Grabar mi voz" adds its disguised recording to this same list, as an ordinary attachment.
  if (opts.voice) {
    voiceButton(opts.voice.button, opts.voice.panel, {
      newId: opts.newId,
      add(item, onRemoved) {
        if (items.length >= ATTACHMENT_LIMITS.files) return false;
        items.push({ ...item, onRemoved });
        render();
        return true;
      },
      remove(id) {
        const at = items.findIndex((item) => item.id === id);
        if (at >= 0) items.splice(at, 1);
        render();
      },
    });
  }

  return {
    items,
    /** After sending: the files leave page memory (zeroed), and the voice recorder resets. */
    clear() {
      const removed = items.splice(0);
      render();
      for (const item of removed) {
        if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
        item.bytes.fill(0);
        item.onRemoved?.();
      }
    },
  };
}
