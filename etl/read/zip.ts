/**
 * A guard run on every .xlsx before exceljs opens it. exceljs (through JSZip) inflates every
 * entry of the archive into memory, whatever its name, so a small hostile file — a "zip bomb"
 * whose sheet inflates to gigabytes, or tens of thousands of entries — would take the process's
 * memory before any check could run. Here the archive is checked first, with bounded work:
 *
 *   1. it must be a ZIP whose central directory is whole (not a renamed CSV, not cut short);
 *   2. at most `entries` entries, and the sizes the directory declares must add up to at most
 *      `totalBytes` once inflated — both read from the directory, before anything is inflated;
 *   3. every entry is then inflated as a stream and only counted (64 KiB at a time, nothing
 *      kept): one that inflates to more than it declared (a directory that lies) or past the
 *      total stops the inflating at once.
 *
 * The limits are far above a real workbook's (a 100,000-row sheet is ~60 MB of XML; bigger
 * ledgers come as CSV, which is streamed) and far below what would exhaust the heap, since
 * exceljs holds the inflated XML as strings and builds its model on top.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface ZipLimits {
  /** Most entries an archive may have. */
  entries: number;
  /** Most bytes all entries may inflate to, together. */
  totalBytes: number;
}

export const XLSX_LIMITS: ZipLimits = { entries: 10_000, totalBytes: 256 * 1024 * 1024 };

/** The archive is refused; the messages say why, in Chinese and English. */
export class WorkbookRejected extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

const MiB = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;

function notAZip(detail: string, detailZh: string): WorkbookRejected {
  return new WorkbookRejected(
    `不是有效的 Excel（.xlsx）文件：${detailZh}。请用 Excel 打开后另存为 .xlsx，或导出为 CSV`,
    `not a valid Excel (.xlsx) file: ${detail}. Open it in Excel and save it as .xlsx again, or export it as CSV`,
  );
}

interface Entry {
  name: string;
  method: number;
  compressed: number;
  size: number;
  localOffset: number;
}

/** Reads the central directory (ZIP64 included). */
function directory(buf: Buffer, limits: ZipLimits): Entry[] {
  // End of central directory: in the last 64 KiB + 22 bytes (its comment may be up to 64 KiB).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const text = buf.subarray(0, 4).toString('latin1');
    throw text.startsWith('PK')
      ? notAZip('the archive is incomplete (truncated)', '压缩包不完整（文件被截断）')
      : notAZip(
          'it is not a ZIP archive (perhaps a CSV or an old .xls renamed to .xlsx)',
          '不是 ZIP 压缩包（可能是改了扩展名的 CSV 或旧版 .xls 文件）',
        );
  }
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === 0x07064b50) {
    const z = Number(buf.readBigUInt64LE(eocd - 12));
    if (z + 56 > buf.length || buf.readUInt32LE(z) !== 0x06064b50) throw notAZip('its ZIP64 directory is damaged', 'ZIP64 目录损坏');
    count = Number(buf.readBigUInt64LE(z + 32));
    cdSize = Number(buf.readBigUInt64LE(z + 40));
    cdOffset = Number(buf.readBigUInt64LE(z + 48));
  }
  if (count > limits.entries) throw tooMany(count, limits);
  if (cdOffset + cdSize > buf.length) throw notAZip('the archive is incomplete (truncated)', '压缩包不完整（文件被截断）');
  const entries: Entry[] = [];
  let p = cdOffset;
  const end = cdOffset + cdSize;
  while (p + 46 <= end && buf.readUInt32LE(p) === 0x02014b50) {
    if (entries.length >= limits.entries) throw tooMany(entries.length + 1, limits);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const e: Entry = {
      name: buf.toString('utf8', p + 46, Math.min(p + 46 + nameLen, end)),
      method: buf.readUInt16LE(p + 10),
      compressed: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    };
    // ZIP64 extra field: the 8-byte values of the fields that are 0xFFFFFFFF, in order.
    let x = p + 46 + nameLen;
    const xEnd = Math.min(x + extraLen, end);
    while (x + 4 <= xEnd) {
      const id = buf.readUInt16LE(x);
      const len = buf.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        const next = () => {
          const v = q + 8 <= x + 4 + len && q + 8 <= xEnd ? Number(buf.readBigUInt64LE(q)) : Number.MAX_SAFE_INTEGER;
          q += 8;
          return v;
        };
        if (e.size === 0xffffffff) e.size = next();
        if (e.compressed === 0xffffffff) e.compressed = next();
        if (e.localOffset === 0xffffffff) e.localOffset = next();
      }
      x += 4 + len;
    }
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (entries.length === 0) throw notAZip('the archive is empty or its directory is damaged', '压缩包为空或目录损坏');
  return entries;
}

function tooMany(n: number, limits: ZipLimits): WorkbookRejected {
  return new WorkbookRejected(
    `压缩包内有 ${n} 个以上的文件，超过上限 ${limits.entries}（正常的 Excel 文件只有几十个），疑为恶意文件，未读取`,
    `the archive holds ${n} or more entries, over the limit of ${limits.entries} (a real workbook has a few dozen); it looks hostile and was not read`,
  );
}

function tooBig(limits: ZipLimits, name: string, lied: boolean): WorkbookRejected {
  return lied
    ? new WorkbookRejected(
        `压缩包内“${name}”解压后比它声明的大小更大（压缩包目录与内容不符），疑为压缩炸弹，未读取`,
        `entry "${name}" inflates to more than the size the archive declares for it; the archive looks like a zip bomb and was not read`,
      )
    : new WorkbookRejected(
        `解压后超过 ${MiB(limits.totalBytes)}（在“${name}”处），超出 Excel 文件的读取上限，或为压缩炸弹，未读取；大表请导出为 CSV 载入`,
        `it inflates to more than ${MiB(limits.totalBytes)} (at entry "${name}"), over the limit for an Excel file, or it is a zip bomb; it was not read. Export large tables as CSV`,
      );
}

/** Inflates `data` as a stream, counting bytes; stops (resolving with more than `limit`) once over it. */
function inflatedSize(data: Buffer, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const z = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
    let n = 0;
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    z.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > limit) {
        settle(() => resolve(n));
        z.destroy();
      }
    });
    z.on('end', () => settle(() => resolve(n)));
    z.on('error', (err) => settle(() => reject(err)));
    z.end(data);
  });
}

/** Throws WorkbookRejected unless `file` is a ZIP within the limits. Returns the file's bytes. */
export async function checkZip(file: string, limits: ZipLimits = XLSX_LIMITS): Promise<Buffer> {
  // A workbook is compressed: a file bigger than everything it may inflate to is padding, not read.
  const size = fs.statSync(file).size;
  if (size > limits.totalBytes)
    throw new WorkbookRejected(
      `文件大小超过 ${MiB(limits.totalBytes)}，超出 Excel 文件的读取上限，未读取；大表请导出为 CSV 载入`,
      `the file is larger than ${MiB(limits.totalBytes)}, over the limit for an Excel file; it was not read. Export large tables as CSV`,
    );
  const buf = fs.readFileSync(file);
  if (buf.length < 22) throw notAZip('the file is too short to be a ZIP archive', '文件太短，不是 ZIP 压缩包');
  const entries = directory(buf, limits);
  let declared = 0;
  for (const e of entries) {
    declared += e.size;
    if (declared > limits.totalBytes) throw tooBig(limits, e.name, false);
  }
  let total = 0;
  for (const e of entries) {
    const lh = e.localOffset;
    if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== 0x04034b50)
      throw notAZip('the archive is incomplete (truncated)', '压缩包不完整（文件被截断）');
    const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
    if (start + e.compressed > buf.length) throw notAZip('the archive is incomplete (truncated)', '压缩包不完整（文件被截断）');
    const data = buf.subarray(start, start + e.compressed);
    let size: number;
    if (e.method === 0) size = data.length;
    else if (e.method === 8) {
      try {
        size = await inflatedSize(data, Math.min(e.size, limits.totalBytes - total));
      } catch {
        throw notAZip(`entry "${e.name}" is damaged`, `压缩包内“${e.name}”已损坏`);
      }
    } else
      throw notAZip(
        `entry "${e.name}" uses a compression method (${e.method}) Excel does not`,
        `压缩包内“${e.name}”使用了 Excel 不用的压缩方法（${e.method}）`,
      );
    // The limit was the declared size (the declared sizes fit the total): over it, the directory lied.
    if (size > e.size) throw tooBig(limits, e.name, true);
    total += size;
  }
  return buf;
}
