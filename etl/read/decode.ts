/**
 * Text decoding of source files. Chinese finance systems export CSV in UTF-8, UTF-8 with a BOM
 * (Excel's "CSV UTF-8") or GBK (Excel's default "CSV" on a Chinese Windows). Detection: a BOM
 * means UTF-8; otherwise the first 64 KiB decide: strict UTF-8, or UTF-8 with a few bad bytes
 * among many good multi-byte characters (a damaged UTF-8 file: its bad rows are rejected one by
 * one, located), is UTF-8; anything else is GBK.
 *
 * Decoding is not fatal: a byte sequence invalid in the file's encoding becomes U+FFFD, and the
 * validator rejects the row and column that hold it (a whole-file error could not say where).
 */

export type SourceEncoding = 'utf-8' | 'gbk';

const PROBE_BYTES = 64 * 1024;

/** The character an invalid byte sequence decodes to. */
export const REPLACEMENT = '\uFFFD';

export function detectEncoding(head: Uint8Array): { encoding: SourceEncoding; bom: boolean } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  // stream: true so that a character cut at the probe boundary is not taken for an error.
  const text = new TextDecoder('utf-8').decode(head.subarray(0, PROBE_BYTES), { stream: true });
  let bad = 0;
  let good = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) bad++;
    else if (c >= 0x80) good++;
  }
  // GBK bytes read as UTF-8 give about one valid character per ten errors.
  return { encoding: bad === 0 || good >= 4 * bad ? 'utf-8' : 'gbk', bom: false };
}

/** A streaming decoder that detects the encoding from the first chunk it sees. */
export class SourceDecoder {
  private decoder: TextDecoder | undefined;
  encoding: SourceEncoding | undefined;

  decode(chunk: Uint8Array, last = false): string {
    if (!this.decoder) {
      const d = detectEncoding(chunk);
      this.encoding = d.encoding;
      this.decoder = new TextDecoder(d.encoding, { fatal: false, ignoreBOM: false });
    }
    return this.decoder.decode(chunk, { stream: !last });
  }

  end(): string {
    return this.decoder ? this.decoder.decode() : '';
  }
}
