/**
 * @module One evidence file as the report page holds it before sealing: shared by the picker
 * (src/client/evidence.ts) and the voice recorder, which adds its disguised recording as one.
 */
export interface Evidence {
  id: string;
  /** Neutral name (`foto-1.jpg`), by kind and place in the list: the phone's own name never leaves the page. */
  name: string;
  type: string;
  bytes: Uint8Array;
  /** True when re-encoded here, so its hidden data is gone. */
  cleaned: boolean;
  previewUrl?: string;
  /** Size the image was redrawn at (one of the fixed sizes of `imageSize`). */
  width?: number;
  height?: number;
  /** What the list says about it instead of the usual cleaned/not cleaned note (a disguised voice). */
  note?: string;
  /** Called when the worker removes it from the list (the voice recorder then resets). */
  onRemoved?: () => void;
}
