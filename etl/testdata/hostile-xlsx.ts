/**
 * Hostile .xlsx files for the ETL fuzz test, written byte by byte (a ZIP writer that can lie
 * about sizes, and the few SpreadsheetML parts a workbook needs), since no well-behaved writer
 * will produce them: zip bombs, prototype-polluting names, entity expansion, formulas.
 */
import zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** Uncompressed bytes (deflated here unless `store`). */
  data?: Buffer;
  /** Already deflated bytes (raw DEFLATE), with the size to declare. */
  deflated?: { bytes: Buffer; size: number };
  store?: boolean;
  /** Declare this uncompressed size instead of the real one (a lying directory). */
  declare?: number;
}

/** A ZIP archive (no ZIP64; fixed timestamp). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    let body: Buffer;
    let size: number;
    let crc: number;
    let method: number;
    if (e.deflated) {
      body = e.deflated.bytes;
      size = e.deflated.size;
      crc = 0;
      method = 8;
    } else {
      const data = e.data ?? Buffer.alloc(0);
      body = e.store ? data : zlib.deflateRawSync(data);
      size = data.length;
      crc = zlib.crc32(data);
      method = e.store ? 0 : 8;
    }
    const declared = e.declare ?? size;
    if (declared > 0xffffffff || body.length > 0xffffffff) throw new Error(`${e.name}: too big for a ZIP without ZIP64`);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6); // UTF-8 names
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(0, 10);
    lh.writeUInt16LE(0x21, 12); // 1980-01-01
    lh.writeUInt32LE(crc >>> 0, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(declared >>> 0, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(declared >>> 0, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  eocd.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, eocd]);
}

/**
 * Raw DEFLATE of `size` bytes of `fill` without producing them: one full-flushed (byte-aligned,
 * self-contained) block of 1 MiB repeated, then an empty final block. ~1 KiB per MiB.
 */
export function deflateBomb(prefix: string, size: number, suffix: string, fill = ' '): { bytes: Buffer; size: number } {
  const MB = 1 << 20;
  const flush = (data: Buffer) => zlib.deflateRawSync(data, { finishFlush: zlib.constants.Z_FULL_FLUSH, level: 9 });
  const head = flush(Buffer.from(prefix));
  const block = flush(Buffer.alloc(MB, fill));
  const n = Math.floor(size / MB);
  const tail = zlib.deflateRawSync(Buffer.from(suffix)); // final block
  return {
    bytes: Buffer.concat([head, ...Array.from({ length: n }, () => block), tail]),
    size: Buffer.byteLength(prefix) + n * MB + Buffer.byteLength(suffix),
  };
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface RawSheet {
  name: string;
  /** Rows of cells: a string (shared string), a number, or a formula with an optional cached value. */
  rows: (string | number | { f: string; v?: number | string } | null)[][];
  /** Replaces the generated sheet XML. */
  xml?: string;
}

function colName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The parts of a minimal workbook; `extra` entries are appended (or replace a part of the same name). */
export function rawXlsx(sheets: readonly RawSheet[], opts: { definedNames?: [string, string][]; extra?: ZipEntry[] } = {}): Buffer {
  const strings: string[] = [];
  const sIdx = new Map<string, number>();
  const si = (s: string) => {
    let i = sIdx.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      sIdx.set(s, i);
    }
    return i;
  };
  const sheetXml = sheets.map(
    (sh) =>
      sh.xml ??
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sh.rows
        .map(
          (r, ri) =>
            `<row r="${ri + 1}">${r
              .map((v, ci) => {
                const ref = `${colName(ci)}${ri + 1}`;
                if (v === null) return '';
                if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
                if (typeof v === 'string') return `<c r="${ref}" t="s"><v>${si(v)}</v></c>`;
                const cached = v.v === undefined ? '' : typeof v.v === 'number' ? `<v>${v.v}</v>` : `<v>${esc(v.v)}</v>`;
                return `<c r="${ref}"${typeof v.v === 'string' ? ' t="str"' : ''}><f>${esc(v.f)}</f>${cached}</c>`;
              })
              .join('')}</row>`,
        )
        .join('')}</sheetData></worksheet>`,
  );
  const parts: ZipEntry[] = [
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets
          .map(
            (_, i) =>
              `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join(
            '',
          )}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
      ),
    },
    {
      name: '_rels/.rels',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
    },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets
          .map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
          .join('')}</sheets>${
          opts.definedNames?.length
            ? `<definedNames>${opts.definedNames.map(([n, ref]) => `<definedName name="${esc(n)}">${esc(ref)}</definedName>`).join('')}</definedNames>`
            : ''
        }</workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
          .map(
            (_, i) =>
              `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
          )
          .join(
            '',
          )}<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ),
    },
    ...sheetXml.map((xml, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: Buffer.from(xml) })),
    {
      name: 'xl/sharedStrings.xml',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings
          .map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`)
          .join('')}</sst>`,
      ),
    },
  ];
  const extra = opts.extra ?? [];
  const names = new Set(extra.map((e) => e.name));
  return writeZip([...parts.filter((p) => !names.has(p.name)), ...extra]);
}
