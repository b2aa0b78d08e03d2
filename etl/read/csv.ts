/**
 * Streaming CSV reader: UTF-8 / UTF-8 BOM / GBK, quoted fields (RFC 4180: "" inside quotes),
 * CRLF or LF. Records are handed to a synchronous callback so the hot loop has no promise per
 * row; unquoted lines (nearly all of a ledger) take a fast path through String.split.
 */
import fs from 'node:fs';
import { SourceDecoder } from './decode.ts';
import { NEEDS_HALF_WIDTH } from '../normalise.ts';

/**
 * `fullWidth`: false when the decoded chunk holding the record has no full-width characters at
 * all (tested once per 4 MiB chunk), so the per-line test can be skipped.
 */
export type RecordFn = (cells: string[], recordNo: number, line: string, fullWidth: boolean) => void;

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

/** End of the record starting at `start` (index of its terminating \n), or -1 if buf ends inside it. */
function quotedRecordEnd(buf: string, start: number): number {
  let inQuotes = false;
  for (let i = start; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) return i;
  }
  return -1;
}

export interface CsvReadResult {
  encoding: string;
  records: number;
  bytes: number;
}

/**
 * Reads the file, calling `onRecord` for every record (blank lines included, as empty cells).
 * `onBytes` reports progress.
 */
export async function readCsv(file: string, onRecord: RecordFn, onBytes?: (bytes: number) => void): Promise<CsvReadResult> {
  const decoder = new SourceDecoder();
  let buf = '';
  let recNo = 0;
  let bytes = 0;

  let fw = true;
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
        onRecord(line.split(','), ++recNo, line, fw);
        start = nl + 1;
        continue;
      }
      const qend = quotedRecordEnd(buf, start);
      if (qend < 0 && !final) break;
      const recEnd = qend < 0 ? len : qend;
      end = recEnd > start && buf.charCodeAt(recEnd - 1) === 13 ? recEnd - 1 : recEnd;
      line = buf.slice(start, end);
      onRecord(parseQuotedRecord(line), ++recNo, line, fw);
      start = recEnd + 1;
    }
    buf = start >= len ? '' : buf.slice(start);
  };

  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    let text = decoder.decode(chunk);
    if (recNo === 0 && buf === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    buf += text;
    fw = NEEDS_HALF_WIDTH.test(buf);
    drain(false);
    onBytes?.(bytes);
  }
  buf += decoder.end();
  fw = NEEDS_HALF_WIDTH.test(buf);
  drain(true);
  return { encoding: decoder.encoding ?? 'utf-8', records: recNo, bytes };
}
