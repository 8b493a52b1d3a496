/**
 * "Did you mean …?" for a mistyped command word, as git, kubectl and gh offer it: the known words
 * within an edit distance of a third of the typed word's length (at least 1), closest first.
 */
export function suggestWords(typed: string, known: string[]): string[] {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  const scored = known
    .map((word) => ({ word, d: editDistance(typed.toLowerCase(), word.toLowerCase()) }))
    .filter((s) => s.d <= limit || (typed.length >= 2 && s.word.startsWith(typed)));
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best || s.word.startsWith(typed)).map((s) => s.word).sort();
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

export function didYouMean(typed: string, known: string[]): string {
  const words = suggestWords(typed, known);
  return words.length === 0 ? '' : `\n(Did you mean ${words.map((w) => `'${w}'`).join(' or ')}?)`;
}
