/**
 * Staging: validated rows are written as normalised CSV (the exact text Postgres COPY and
 * DuckDB read_csv ingest) to a file under dataDir/stage, so that a 1e7-row ledger never sits in
 * memory and both databases load the same bytes. Sums of money columns are counted here, in
 * integer fen, as "the source" side of the reconciliation.
 */
import fs from 'node:fs';

/**
 * An exact sum of integer fen. Adds in a double while the running value stays a safe integer
 * (every integer below 2^53 is exact), and folds into a BigInt before it could leave that range.
 */
export class FenSum {
  private hi = 0n;
  private lo = 0;

  add(fen: number): void {
    this.lo += fen;
    if (this.lo > 4e15 || this.lo < -4e15) {
      this.hi += BigInt(this.lo);
      this.lo = 0;
    }
  }

  value(): bigint {
    return this.hi + BigInt(this.lo);
  }

  reset(): void {
    this.hi = 0n;
    this.lo = 0;
  }
}

/**
 * A set of keys for in-file duplicate detection that stays small for 1e7 keys: each key is
 * stored as two independent 32-bit hashes (plus the row it came from) in open-addressed typed
 * arrays, ~24 bytes per key instead of a JS string in a Set (~60+). Two keys colliding on all
 * 64 bits is a ~1e-6 chance in a 1e7-row file; Postgres's primary key remains the final guard.
 */
export class KeySet {
  private cap = 1 << 16;
  private h1 = new Uint32Array(this.cap);
  private h2 = new Uint32Array(this.cap);
  private row = new Int32Array(this.cap);
  private size = 0;

  /** Adds the key; returns -1 if new, else the row number it was first seen on. */
  add(key: string, rowNo: number): number {
    return this.addParts([key], [0], rowNo);
  }

  /** Adds the key made of values[idx…] (hashed in place, no string built). */
  addParts(values: readonly (string | null)[], idx: readonly number[], rowNo: number): number {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (const k of idx) {
      const key = values[k] ?? '';
      for (let i = 0; i < key.length; i++) {
        const c = key.charCodeAt(i);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995);
        b ^= b >>> 15;
      }
      // separator, so ("ab","c") and ("a","bc") differ
      a = Math.imul(a ^ 1, 0x01000193);
      b = Math.imul(b ^ 1, 0x5bd1e995);
    }
    a >>>= 0;
    b = (b | 1) >>> 0; // 0 marks an empty slot
    if (this.size * 2 >= this.cap) this.grow();
    return this.insert(a, b, rowNo);
  }

  private insert(a: number, b: number, rowNo: number): number {
    const mask = this.cap - 1;
    let i = (a ^ (b * 31)) & mask;
    for (;;) {
      const s = this.h2[i] as number;
      if (s === 0) {
        this.h1[i] = a;
        this.h2[i] = b;
        this.row[i] = rowNo;
        this.size++;
        return -1;
      }
      if (s === b && this.h1[i] === a) return this.row[i] as number;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { h1, h2, row } = this;
    this.cap *= 2;
    this.h1 = new Uint32Array(this.cap);
    this.h2 = new Uint32Array(this.cap);
    this.row = new Int32Array(this.cap);
    this.size = 0;
    for (let i = 0; i < h2.length; i++) if (h2[i] !== 0) this.insert(h1[i] as number, h2[i] as number, row[i] as number);
  }
}

const FLUSH_AT = 1 << 20;
const NEEDS_QUOTES = /[",\n\r]/;

/** Writes normalised rows as CSV (no header) and counts rows and money sums. */
export class StageWriter {
  private fd: number;
  private buf = '';
  rows = 0;
  readonly sums: FenSum[];
  private readonly batchSuffix: string;

  /**
   * @param columns target columns in order; the last is batch_id, filled here.
   * @param quoteCols indices of columns that may need quoting (text).
   */
  constructor(
    readonly path: string,
    readonly columns: readonly string[],
    moneyCount: number,
    private readonly quoteCols: ReadonlySet<number>,
    batchId: number,
  ) {
    this.fd = fs.openSync(path, 'w');
    this.sums = Array.from({ length: moneyCount }, () => new FenSum());
    this.batchSuffix = `,${batchId}\n`;
  }

  /** Source row of each staged line (to name the rows a database-side check finds). */
  private srcRow = new Int32Array(1024);
  private srcSheet = new Uint8Array(1024);

  /** Source position (sheet index, row) of staged line i (0-based). */
  source(i: number): { sheet: number; row: number } {
    return { sheet: this.srcSheet[i] ?? 0, row: this.srcRow[i] ?? 0 };
  }

  /** `values` excludes batch_id (it may be longer: extra entries are ignored). */
  write(values: readonly (string | null)[], fens: readonly number[], rowNo: number, sheetIdx = 0): void {
    if (this.rows >= this.srcRow.length) {
      const r = new Int32Array(this.srcRow.length * 2);
      r.set(this.srcRow);
      this.srcRow = r;
      const sh = new Uint8Array(this.srcSheet.length * 2);
      sh.set(this.srcSheet);
      this.srcSheet = sh;
    }
    this.srcRow[this.rows] = rowNo;
    this.srcSheet[this.rows] = sheetIdx;
    const n = this.columns.length - 1;
    // Appended straight to the buffer: one flat string per flush instead of one per row.
    let buf = this.buf;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (i > 0) buf += ',';
      if (v === null || v === undefined) continue;
      // An empty string must stay distinct from NULL: quote it.
      if (v === '') buf += '""';
      else if (this.quoteCols.has(i) && NEEDS_QUOTES.test(v)) buf += `"${v.replace(/"/g, '""')}"`;
      else buf += v;
    }
    this.buf = buf + this.batchSuffix;
    this.rows++;
    for (let k = 0; k < fens.length; k++) (this.sums[k] as FenSum).add(fens[k] as number);
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.buf) fs.writeSync(this.fd, this.buf);
    this.buf = '';
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** Index of the last newline that ends a record (not one inside a quoted field), or -1. */
function safeCut(text: string): number {
  if (text.indexOf('"') < 0) return text.lastIndexOf('\n');
  let inQuotes = false;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) last = i;
  }
  return last;
}

/** Reads a stage file back in line-aligned chunks of about `size` characters. */
export async function* stageChunks(path: string, size = 4 << 20): AsyncGenerator<string> {
  let rest = '';
  const stream = fs.createReadStream(path, { encoding: 'utf8', highWaterMark: size });
  for await (const part of stream as AsyncIterable<string>) {
    const text = rest + part;
    const cut = safeCut(text);
    if (cut < 0) {
      rest = text;
      continue;
    }
    yield text.slice(0, cut + 1);
    rest = text.slice(cut + 1);
  }
  if (rest) yield rest.endsWith('\n') ? rest : `${rest}\n`;
}
