import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, fmtMb, fmtMs, measure, median, startMockServe, type Measured } from './harness.js';

const APPS = 5000;
const TASKS_PER_APP = 10;
const RUNS = 3;

/** The same question `tasks list --json` answers, asked with curl + jq: waiting stateful tasks. */
const JQ_FILTER = '[.tasks[] | select((.localVolumes // []) | length > 0) | select(has("stagedAt") | not)]';

/**
 * `tasks list --json` against the mock seeded with 5,000 apps / 50,000 tasks, side by side with the
 * equivalent `curl -s …/v2/tasks | jq` on the same server. Target: faster than curl+jq, peak RSS within a
 * few times the response size.
 */
export async function benchTasksList(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'stateful-ops-bench-'));
  try {
    const seed = await measure([
      process.execPath, cliPath, '--mock-dir', stateDir, 'mock', 'reset',
      '--apps', String(APPS), '--tasks-per-app', String(TASKS_PER_APP), '--waiting-ratio', '0.3',
    ]);
    if (seed.code !== 0) throw new Error(`mock reset failed: ${seed.stderr}`);
    console.log(`seeded ${APPS} apps / ${APPS * TASKS_PER_APP} tasks in ${fmtMs(seed.wallMs)}`);

    const server = startMockServe(stateDir);
    try {
      const url = await server.url;
      const tasksUrl = `${url}/service/marathon/v2/tasks`;
      const responseBytes = (await (await fetch(tasksUrl)).arrayBuffer()).byteLength;
      const cli = [process.execPath, cliPath, '--url', url, '--json', 'tasks', 'list'];
      const curlJq = ['bash', '-c', `curl -sf '${tasksUrl}' | jq -c '${JQ_FILTER}'`];
      // Warm both once (server caches, page cache), then alternate.
      await measure(cli);
      await measure(curlJq);
      const ours: Measured[] = [];
      const theirs: Measured[] = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(await measure(cli));
        theirs.push(await measure(curlJq));
      }
      const failed = [...ours, ...theirs].find((m) => m.code !== 0);
      if (failed) throw new Error(`a measured run failed: ${failed.stderr}`);

      const oursMs = median(ours.map((m) => m.wallMs));
      const theirsMs = median(theirs.map((m) => m.wallMs));
      const oursRss = Math.max(...ours.map((m) => m.maxRssKb ?? 0)) || null;
      const theirsRss = Math.max(...theirs.map((m) => m.maxRssKb ?? 0)) || null;
      console.log(`GET /v2/tasks response: ${(responseBytes / 1024 / 1024).toFixed(1)} MiB`);
      console.log(`tasks list --json:   median ${fmtMs(oursMs)}, peak RSS ${fmtMb(oursRss)}`);
      console.log(`curl | jq:           median ${fmtMs(theirsMs)}, peak RSS ${fmtMb(theirsRss)}`);
      console.log(`ratio (ours / curl+jq wall time): ${(oursMs / theirsMs).toFixed(2)}  (target < 1)`);
      if (oursRss !== null) {
        console.log(`ratio (our peak RSS / response size): ${((oursRss * 1024) / responseBytes).toFixed(2)}  (target: a few)`);
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
