/**
 * Display of non-money decimals (indicator values, quantities) that arrive as exact strings
 * ("16.0000"): trailing zeros dropped, digits grouped, never through floating point.
 */
export function formatDecimal(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const s = String(value).trim();
  const m = /^(-?)(\d+)(?:\.(\d*?))?0*$/.exec(s);
  if (!m) return s;
  const [, sign = '', int = '0', frac = ''] = m;
  return `${sign}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** The same without grouping, for export cells ("1234.5"). */
export function plainDecimal(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return formatDecimal(value).replace(/,/g, '');
}
