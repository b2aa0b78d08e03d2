/**
 * Streaming CSV reader: UTF-8 / UTF-8 BOM / GBK, quoted fields (RFC 4180: "" inside quotes),
 * CRLF, LF or a bare CR (old Mac exports, or lines pasted together) ending a record. Records are
 * handed to a synchronous callback so the hot loop has no promise per row; unquoted lines (nearly
 * all of a ledger) take a fast path through String.split.
 *
 * A quote opens a quoted field only at the start of a field (as in Excel: 12" in a name is a
 * literal). A quoted field may hold line breaks, but a record that spans lines must be well
 * formed (every closing quote followed by a comma or the line end), pass the caller's
 * `acceptSpan` (parse.ts: as many fields as the header, line breaks only in free-text columns,
 * no line inside a field that looks like a row), and its quoted field must close within 1 MiB
 * and before the end of the file.
 * Otherwise the opening quote is taken for a missing closing quote: the record is that one line,
 * flagged `CSV_UNBALANCED` (the validator rejects it, naming the column), and reading goes on
 * at the next line, so one stray quote neither swallows the rows after it nor the memory.
 */
import fs from 'node:fs';
import { SourceDecoder } from './decode.ts';
import { NEEDS_HALF_WIDTH } from '../normalise.ts';

/** The decoded 4 MiB chunk holding the record has full-width characters (else skip that test per line). */
export const CSV_FULL_WIDTH = 1;
/** The chunk has a NUL or undecodable bytes (U+FFFD): the validator checks every cell for them. */
export const CSV_SUSPECT = 2;
/** The record is one line whose quoted field never closes (see above). */
export const CSV_UNBALANCED = 4;

/**
 * What no cell may hold: NUL (Postgres text cannot) and U+FFFD (bytes invalid in the file's
 * encoding). Found per chunk with indexOf (a character-class regex over every chunk cost a fifth
 * of the reading time); other control characters are checked in free-text cells only, the other
 * columns' own formats refuse them.
 */
// eslint-disable-next-line no-control-regex
export const BAD_CHARS = /[\u0000\ufffd]/;

export type RecordFn = (cells: string[], recordNo: number, line: string, flags: number) => void;

export interface CsvReadOptions {
  onBytes?: ((bytes: number) => void) | undefined;
  /**
   * Whether a well-formed record that spans lines is one record (the caller knows the header:
   * its width, and which columns may hold a line break); false reads its first line as a record
   * with an unbalanced quote.
   */
  acceptSpan?: ((cells: readonly string[]) => boolean) | undefined;
}

/** The longest quoted field read across lines before its opening quote is taken for a stray one. */
export const MAX_QUOTED_CHARS = 1 << 20;

const CHUNK = 4 * 1024 * 1024;

/** Splits one complete record that contains quotes. */
export function parseQuotedRecord(rec: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = rec.length;
  for (;;) {
    if (i < n && rec.charCodeAt(i) === 34) {
      // quoted field
      let v = '';
      i++;
      let from = i;
      for (;;) {
        const q = rec.indexOf('"', i);
        if (q < 0) {
          v += rec.slice(from);
          i = n;
          break;
        }
        if (rec.charCodeAt(q + 1) === 34) {
          v += rec.slice(from, q + 1);
          i = q + 2;
          from = i;
          continue;
        }
        v += rec.slice(from, q);
        i = q + 1;
        break;
      }
      // Text after the closing quote up to the comma is kept (lenient, as Excel does).
      const comma = rec.indexOf(',', i);
      if (comma < 0) {
        out.push(v + rec.slice(i));
        return out;
      }
      out.push(v + rec.slice(i, comma));
      i = comma + 1;
    } else {
      const comma = rec.indexOf(',', i);
      if (comma < 0) {
        out.push(rec.slice(i));
        return out;
      }
      out.push(rec.slice(i, comma));
      i = comma + 1;
    }
  }
}

/**
 * Scans the record starting at `start`. `end`: index of the \n that ends it, or -1 when `buf`
 * ends first (`open`: inside a quoted field). `strict`: every closing quote is followed by a
 * comma or the line end.
 */
function scanRecord(buf: string, start: number, final: boolean): { end: number; open: boolean; strict: boolean } {
  const n = buf.length;
  let strict = true;
  let fieldStart = true;
  let i = start;
  while (i < n) {
    const c = buf.charCodeAt(i);
    if (c === 34 && fieldStart) {
      let j = i + 1;
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q < 0 || (q + 1 >= n && !final)) return { end: -1, open: true, strict };
        if (buf.charCodeAt(q + 1) === 34) {
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      const d = buf.charCodeAt(i);
      if (i < n && d !== 44 && d !== 10 && d !== 13) strict = false;
      fieldStart = false;
      continue;
    }
    if (c === 10) return { end: i, open: false, strict };
    fieldStart = c === 44;
    i++;
  }
  return { end: -1, open: false, strict };
}

/** Whether buf has a CR not followed by LF (one last in a chunk waits for the next chunk). */
function hasBareCr(buf: string, final: boolean): boolean {
  for (let i = buf.indexOf('\r'); i >= 0; i = buf.indexOf('\r', i + 1)) {
    if (buf.charCodeAt(i + 1) !== 10 && (final || i + 1 < buf.length)) return true;
  }
  return false;
}

const BARE_CR_ALL = /\r(?!\n)/g;
const BARE_CR_INNER = /\r(?!\n|$)/g;

export interface CsvReadResult {
  encoding: string;
  records: number;
  bytes: number;
}

/**
 * Reads the file, calling `onRecord` for every record (blank lines included, as empty cells).
 */
export async function readCsv(file: string, onRecord: RecordFn, opts: CsvReadOptions = {}): Promise<CsvReadResult> {
  const decoder = new SourceDecoder();
  let buf = '';
  let recNo = 0;
  let bytes = 0;

  let flags = CSV_FULL_WIDTH;
  const drain = (final: boolean) => {
    let start = 0;
    const len = buf.length;
    while (start < len) {
      let nl = buf.indexOf('\n', start);
      if (nl < 0) {
        if (!final) break;
        nl = len;
      }
      let end = nl > start && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      let line = buf.slice(start, end);
      if (line.indexOf('"') < 0) {
        onRecord(line.split(','), ++recNo, line, flags);
        start = nl + 1;
        continue;
      }
      const s = scanRecord(buf, start, final);
      let recEnd = s.end;
      let unbalanced = false;
      if (recEnd < 0) {
        if (!final && len - start <= MAX_QUOTED_CHARS) break; // wait for the rest of the record
        if (s.open || !final) unbalanced = true;
        else recEnd = len;
      }
      let cells: string[] | undefined;
      if (!unbalanced && recEnd > nl) {
        // A record over several lines: only when well formed.
        end = buf.charCodeAt(recEnd - 1) === 13 ? recEnd - 1 : recEnd;
        cells = parseQuotedRecord(buf.slice(start, end));
        if (!s.strict || opts.acceptSpan?.(cells) === false) unbalanced = true;
      }
      if (unbalanced) {
        onRecord(parseQuotedRecord(line), ++recNo, line, flags | CSV_UNBALANCED);
        start = nl + 1;
        continue;
      }
      end = recEnd > start && buf.charCodeAt(recEnd - 1) === 13 ? recEnd - 1 : recEnd;
      line = buf.slice(start, end);
      onRecord(cells ?? parseQuotedRecord(line), ++recNo, line, flags);
      start = recEnd + 1;
    }
    buf = start >= len ? '' : buf.slice(start);
  };

  let nul = false;
  const chunkFlags = (final: boolean) => {
    // A bare CR ends a record (inside a quoted field it becomes a LF); a CR last in the buffer
    // waits for the next chunk, which may start with its LF.
    if (hasBareCr(buf, final)) buf = buf.replace(final ? BARE_CR_ALL : BARE_CR_INNER, '\n');
    // NUL is looked for in the raw bytes (memchr; String indexOf of NUL is ten times slower).
    const suspect = nul || buf.indexOf('\ufffd') >= 0;
    flags = (NEEDS_HALF_WIDTH.test(buf) ? CSV_FULL_WIDTH : 0) | (suspect ? CSV_SUSPECT : 0);
  };
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    // A NUL byte is a NUL character in UTF-8 and GBK alike; a leftover line keeps its chunk's flag.
    nul = chunk.indexOf(0) >= 0 || (nul && buf !== '');
    let text = decoder.decode(chunk);
    if (recNo === 0 && buf === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    buf += text;
    chunkFlags(false);
    drain(false);
    opts.onBytes?.(bytes);
  }
  buf += decoder.end();
  chunkFlags(true);
  drain(true);
  return { encoding: decoder.encoding ?? 'utf-8', records: recNo, bytes };
}
