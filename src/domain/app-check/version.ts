/**
 * Marathon versions and the rule set each one enforces for apps with persistent volumes
 * (../shared/reference/marathon/README.md §e).
 */

export interface MarathonVersion {
  minor: number;
  /** null when only `1.x` was given. */
  patch: number | null;
  text: string;
}

/** `1.10.26`, `v1.4`, `1.11.0-SNAPSHOT`; only Marathon 1.1 to 1.11 are known. */
export function parseMarathonVersion(text: string): MarathonVersion | undefined {
  const m = /^v?1\.(\d+)(?:\.(\d+))?(?:[-+.].*)?$/.exec(text.trim());
  if (!m) return undefined;
  const minor = Number(m[1]);
  if (minor < 1 || minor > 11) return undefined;
  return { minor, patch: m[2] === undefined ? null : Number(m[2]), text: text.trim() };
}

/** The version is `1.<minor>.<patch>` or later (an unknown patch counts as the latest of its minor). */
export function atLeast(v: MarathonVersion, minor: number, patch = 0): boolean {
  if (v.minor !== minor) return v.minor > minor;
  return v.patch === null || v.patch >= patch;
}

export interface RuleSet {
  /** The range of Marathon versions whose rules were applied, e.g. `1.4`, `1.6–1.8`, `1.9+`. */
  name: string;
  notes: string[];
}

export function ruleSetFor(v: MarathonVersion): RuleSet {
  const name = v.minor <= 2 ? '1.1–1.2' : v.minor <= 5 ? `1.${v.minor}` : v.minor <= 8 ? '1.6–1.8' : '1.9+';
  const notes: string[] = [];
  if (v.minor === 2) {
    notes.push(
      'minimumHealthCapacity: the relaxation to [0, 1] for resident apps came with Marathon 1.3 (commit 546cdfea2, #4138) ' +
        'according to the reference, so 1.2 is held to ≤ 0.5 (issue 7 says 1.2)',
    );
  }
  if (v.minor === 1 && v.patch === null) notes.push('patch version unknown: the 1.1.0/1.1.1 upgradeStrategy default quirk is not checked');
  return { name, notes };
}
