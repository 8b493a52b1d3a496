/**
 * `diff -u` of two small texts (configuration files): the longest common subsequence of their lines,
 * hunks with three lines of context. Quadratic, which is fine for files of a few hundred lines.
 */

const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

/** Lines with their newline: a last line without one differs from the same text with one, as in diff. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function diffOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++] as string, a: i, b: ++j });
    // Deletions before insertions, as diff prints a changed line.
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', text: a[i++] as string, a: i, b: j });
    else ops.push({ kind: '+', text: b[j++] as string, a: i, b: j });
  }
  return ops;
}

/**
 * The unified diff from `before` to `after`, headed `--- <from>` / `+++ <to>`; '' when they are equal.
 * `before` null: the file does not exist yet (`--- /dev/null`).
 */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  if (before === after) return '';
  const a = lines(before ?? '');
  const b = lines(after);
  const ops = diffOps(a, b);
  const changed = ops.map((o, k) => (o.kind === ' ' ? -1 : k)).filter((k) => k >= 0);
  const hunks: [number, number][] = [];
  for (const k of changed) {
    const start = Math.max(0, k - CONTEXT);
    const end = Math.min(ops.length - 1, k + CONTEXT);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const out = [`--- ${before === null ? '/dev/null' : path}`, `+++ ${path}`];
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end + 1);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    // Line numbers of the hunk's first line in each file (diff prints the line before an empty range).
    const firstA = slice.find((o) => o.kind !== '+');
    const firstB = slice.find((o) => o.kind !== '-');
    const aStart = firstA ? firstA.a : (slice[0] as Op).a;
    const bStart = firstB ? firstB.b : (slice[0] as Op).b;
    out.push(`@@ -${aStart}${aCount === 1 ? '' : `,${aCount}`} +${bStart}${bCount === 1 ? '' : `,${bCount}`} @@`);
    for (const o of slice) {
      if (o.text.endsWith('\n')) out.push(`${o.kind}${o.text.slice(0, -1)}`);
      else out.push(`${o.kind}${o.text}`, '\\ No newline at end of file');
    }
  }
  return `${out.join('\n')}\n`;
}
