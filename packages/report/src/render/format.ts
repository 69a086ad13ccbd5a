/** Small formatters shared by the renderers. Every one turns null into `–`. */
import { formatLatencyMs, significant } from '@toolscope/instrumentation/internal';

export const DASH = '–';

/** 12.345 → "12.3 ms", 1234.5 → "1.23 s", 0.0421 → "42.1 µs". */
export function fmtMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  return formatLatencyMs(v);
}

/** 0.98765 → "98.8%". */
export function fmtPct(v: number | null, digits = 1): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  return `${(v * 100).toFixed(digits)}%`;
}

/** A signed change: 12.5 → "+12.5%", -3 → "−3%". */
export function fmtChange(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  return `${sign}${significant(Math.abs(v))}${unit}`;
}

/** 1536 → "1.5 KiB". */
export function fmtBytes(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  if (v < 1024) return `${Math.round(v)} B`;
  if (v < 1024 * 1024) return `${significant(v / 1024)} KiB`;
  return `${significant(v / 1024 / 1024)} MiB`;
}

/** 12345 → "12,345". */
export function fmtInt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  return Math.round(v).toLocaleString('en-US');
}

/** `{ a: 3, b: 1 }` → "a ×3, b ×1"; `key` shows each key (outside text: sanitised by the caller). */
export function fmtCounts(
  rec: Readonly<Record<string, number>> | null,
  max = 4,
  key: (k: string) => string = (k) => k,
): string {
  if (rec === null) return DASH;
  const entries = Object.entries(rec);
  if (entries.length === 0) return DASH;
  const shown = entries.slice(0, max).map(([k, n]) => `${key(k)} ×${n}`);
  if (entries.length > max) shown.push(`+${entries.length - max} more`);
  return shown.join(', ');
}

/** A plain-text table with a header row, columns padded (numbers right-aligned). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) =>
    rows.every((r) => /^[\s+\-−±]?[\d.,]+\s?(%|ms|s|µs|B|KiB|MiB|pts)?$|^–$/.test(r[i] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 1 → "1 tool", 1234 → "1,234 tools". */
export function plural(n: number, word: string): string {
  return `${fmtInt(n)} ${word}${n === 1 ? '' : 's'}`;
}
