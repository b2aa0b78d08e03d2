/**
 * Text decoding of source files. Chinese finance systems export CSV in UTF-8, UTF-8 with a BOM
 * (Excel's "CSV UTF-8") or GBK (Excel's default "CSV" on a Chinese Windows). Detection: a BOM
 * means UTF-8; otherwise the first 64 KiB must be strict UTF-8, else the file is read as GBK.
 */

export type SourceEncoding = 'utf-8' | 'gbk';

const PROBE_BYTES = 64 * 1024;

export function detectEncoding(head: Uint8Array): { encoding: SourceEncoding; bom: boolean } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  try {
    // stream: true so that a character cut at the probe boundary is not taken for an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, PROBE_BYTES), { stream: true });
    return { encoding: 'utf-8', bom: false };
  } catch {
    return { encoding: 'gbk', bom: false };
  }
}

export class DecodeError extends Error {
  constructor(
    readonly encoding: SourceEncoding,
    readonly byteOffset: number,
  ) {
    super(`invalid ${encoding} text near byte ${byteOffset}`);
  }
}

/** A streaming decoder that detects the encoding from the first chunk it sees. */
export class SourceDecoder {
  private decoder: TextDecoder | undefined;
  private offset = 0;
  encoding: SourceEncoding | undefined;

  decode(chunk: Uint8Array, last = false): string {
    const bytes = chunk;
    if (!this.decoder) {
      const d = detectEncoding(bytes);
      this.encoding = d.encoding;
      this.decoder = new TextDecoder(d.encoding, { fatal: true, ignoreBOM: false });
    }
    try {
      const text = this.decoder.decode(bytes, { stream: !last });
      this.offset += bytes.length;
      return text;
    } catch {
      throw new DecodeError(this.encoding ?? 'utf-8', this.offset);
    }
  }

  end(): string {
    if (!this.decoder) return '';
    try {
      return this.decoder.decode();
    } catch {
      throw new DecodeError(this.encoding ?? 'utf-8', this.offset);
    }
  }
}
