import { referencePresent, REFERENCE_SKIP_REASON } from './reference.js';

/** Vitest global setup: says once per run why the reference-based tests are skipped. */
export default function setup(): void {
  if (!referencePresent) process.stderr.write(`\nNOTE: tests built on the upstream reference are ${REFERENCE_SKIP_REASON}\n\n`);
}
