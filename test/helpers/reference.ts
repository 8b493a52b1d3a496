import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/**
 * The upstream notes beside the checkout (../shared/reference). CI always has them; a fresh clone may not,
 * and then the tests built on them skip with the reason in their name instead of failing on a missing file.
 * STATEFUL_OPS_REQUIRE_REFERENCE=1 (set by .ci/run) turns a missing directory into a failure, so CI can never
 * pass by silently skipping them.
 */
export const REFERENCE_DIR = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));
export const referencePresent = existsSync(REFERENCE_DIR);
export const REFERENCE_SKIP_REASON = `skipped: ${REFERENCE_DIR} not found (put the shared reference beside the checkout to run it)`;

if (!referencePresent && process.env.STATEFUL_OPS_REQUIRE_REFERENCE === '1') {
  throw new Error(`STATEFUL_OPS_REQUIRE_REFERENCE=1 but ${REFERENCE_DIR} does not exist`);
}

/** The text of a reference file, e.g. `marathon/v1.4-app-tasks-waiting.json`. Call it inside a test, never at import. */
export function readReference(path: string): string {
  return readFileSync(join(REFERENCE_DIR, path), 'utf8');
}

export function referenceJson<T = unknown>(path: string): T {
  return JSON.parse(readReference(path)) as T;
}

const label = (name: string) => (referencePresent ? name : `${name} [${REFERENCE_SKIP_REASON}]`);

/** A describe block whose tests need the reference; its body still runs at collection, so read files lazily. */
export function describeWithReference(name: string, body: () => void): void {
  describe.skipIf(!referencePresent)(label(name), body);
}

/** One test that needs the reference, inside a block that does not. */
export function itWithReference(name: string, body: () => unknown | Promise<unknown>, timeout?: number): void {
  it.skipIf(!referencePresent)(label(name), body, timeout);
}
