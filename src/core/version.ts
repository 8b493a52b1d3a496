import { readFileSync } from 'node:fs';

/** Replaced with the package.json version by the bundler (scripts/build.mjs); unset when run from source. */
declare const STATEFUL_OPS_VERSION: string | undefined;

let fromPackageJson: string | undefined;

/** The CLI's version: baked into the bundle, read from package.json only when running from source (tests). */
export function packageVersion(): string {
  if (typeof STATEFUL_OPS_VERSION === 'string') return STATEFUL_OPS_VERSION;
  if (fromPackageJson === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      fromPackageJson = pkg.version ?? '0.0.0';
    } catch {
      fromPackageJson = '0.0.0';
    }
  }
  return fromPackageJson;
}
