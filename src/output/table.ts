import type { TableLayout } from '../core/io.js';

export type { TableLayout } from '../core/io.js';
export type Align = 'left' | 'right';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number;
  align?: Align;
  /**
   * May be cut so the table fits the terminal: `end` keeps the start (`abc...`), `middle` both ends
   * (`/var/lib/...#pgdata#53ab`), for ids and paths told apart by their tails. Others are never cut.
   */
  shrink?: boolean | 'middle';
  /** Only with `-o wide`. */
  wide?: boolean;
}

export const FULL_LAYOUT: TableLayout = { wide: true };

const PLACEHOLDER = '...';
const MIN_SHRUNK = 12;

/**
 * A DC/OS-CLI style table: UPPERCASE headings, two spaces between columns, no borders,
 * numbers right-aligned, heading aligned like its data. Trailing spaces are trimmed.
 */
export function renderTable<Row>(allColumns: Column<Row>[], rows: Row[], layout: TableLayout = FULL_LAYOUT): string {
  const columns = allColumns.filter((c) => layout.wide || !c.wide);
  let cells = rows.map((row) => columns.map((c) => String(c.value(row))));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => displayWidth(r[i] ?? ''))));
  if (!layout.wide && layout.maxWidth !== undefined) {
    const limits = fitWidths(widths, columns.map((c, i) => (c.shrink ? Math.max(MIN_SHRUNK, headers[i]?.length ?? 0) : undefined)), layout.maxWidth);
    cells = cells.map((r) => r.map((v, i) => cut(v, limits[i] ?? Infinity, columns[i]?.shrink === 'middle')));
    limits.forEach((l, i) => (widths[i] = Math.min(widths[i] ?? 0, l)));
  }
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(v)));
        return columns[i]?.align === 'right' ? pad + v : v + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

/** Takes a column from the widest shrinkable column, again and again, until the line fits or nothing can give. */
function fitWidths(widths: number[], minimums: (number | undefined)[], maxWidth: number): number[] {
  const limits = [...widths];
  let excess = limits.reduce((a, b) => a + b, 0) + 2 * Math.max(0, limits.length - 1) - maxWidth;
  while (excess > 0) {
    let widest = -1;
    limits.forEach((w, i) => {
      const min = minimums[i];
      if (min !== undefined && w > min && (widest < 0 || w > (limits[widest] ?? 0))) widest = i;
    });
    if (widest < 0) break;
    limits[widest] = (limits[widest] ?? 0) - 1;
    excess--;
  }
  return limits;
}

/** Cut to `width` columns, ending in `...` — the placeholder dcos-cli's truncate_table uses (textwrap.shorten). */
export function cut(text: string, width: number, middle = false): string {
  if (displayWidth(text) <= width) return text;
  const chars = [...text];
  const keep = Math.max(0, width - PLACEHOLDER.length);
  if (!middle) return chars.slice(0, keep).join('') + PLACEHOLDER;
  const head = Math.ceil(keep / 2);
  return chars.slice(0, head).join('') + PLACEHOLDER + chars.slice(chars.length - (keep - head)).join('');
}

/**
 * An agent id for a narrow table. Every agent id of a cluster is `<master's run UUID>-S<n>`, so the
 * UUID is the same on every row: its first block and the `-S<n>` suffix tell agents apart.
 * dcos-cli prints agent ids in full (dcos-core-cli pkg/cmd/task/task_list.go AGENT ID,
 * python/lib/dcoscli/dcoscli/tables.py node_table ID) and shortens long cells with
 * textwrap.shorten(…, placeholder='...') (tables.py truncate_table); this keeps its placeholder.
 */
export function shortAgentId(id: string, layout: TableLayout): string {
  if (layout.wide || layout.maxWidth === undefined) return id;
  const m = /^([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-S\d+)$/i.exec(id);
  return m ? `${m[1]}${PLACEHOLDER}${m[2]}` : id;
}

/** Width in terminal columns, ignoring ANSI colour codes. */
export function displayWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}
