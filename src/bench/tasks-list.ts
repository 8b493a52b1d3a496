import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, fmtMb, fmtMs, interleaved, machineLoad, measure, rowPrinter, ratio, startMockServe } from './harness.js';

const TASKS_PER_APP = 10;
/** Tasks in the mock cluster → measured rounds (big answers take long: fewer rounds). */
const SIZES: [tasks: number, runs: number][] = [
  [500, 9],
  [5_000, 5],
  [50_000, 3],
  [200_000, 3],
];
/** Wall-time targets against curl | jq, and against node -e 0 for the small cluster. */
const CURL_TARGETS: Record<number, number> = { 50_000: 0.7, 200_000: 0.5 };
const NODE_TARGET_AT_500 = 3;
const RSS_BASE_MIB = 60;
const RSS_PER_RESPONSE = 1.5;

/** The same question `tasks list --json` answers, asked with curl + jq: waiting stateful tasks. */
const JQ_FILTER = '[.tasks[] | select((.localVolumes // []) | length > 0) | select(has("stagedAt") | not)]';

/**
 * `tasks list --json` against a mock cluster (its own `mock serve` process) from 500 to 200,000 tasks, side
 * by side with `curl -s …/v2/tasks | jq` on the same server; at 500 tasks also with bare `node -e 0`.
 */
export async function benchTasksList(): Promise<void> {
  const printRow = rowPrinter(['tasks', '/v2/tasks', 'tasks list', 'curl | jq', 'ours / curl|jq', 'vs node -e 0', 'peak RSS', 'RSS limit']);
  for (const [tasks, runs] of SIZES) {
    const stateDir = mkdtempSync(join(tmpdir(), 'stateful-ops-bench-'));
    try {
      const seed = await measure([
        process.execPath, cliPath, '--mock-dir', stateDir, 'mock', 'reset',
        '--apps', String(tasks / TASKS_PER_APP), '--tasks-per-app', String(TASKS_PER_APP), '--waiting-ratio', '0.3',
      ]);
      if (seed.code !== 0) throw new Error(`mock reset failed: ${seed.stderr}`);
      // Marathon and the Mesos master are separate servers in a real cluster: one `mock serve` each,
      // so that ours (which asks both at once) is not timed against one single-threaded server.
      const marathonServer = startMockServe(stateDir);
      const mesosServer = startMockServe(stateDir);
      try {
        const [marathonUrl, mesosUrl] = await Promise.all([marathonServer.url, mesosServer.url]);
        const tasksUrl = `${marathonUrl}/service/marathon/v2/tasks`;
        const responseBytes = (await (await fetch(tasksUrl)).arrayBuffer()).byteLength;
        const candidates = [
          {
            name: 'ours',
            argv: [process.execPath, cliPath, '--marathon-url', `${marathonUrl}/service/marathon`, '--mesos-url', `${mesosUrl}/mesos`, '--json', 'tasks', 'list'],
          },
          { name: 'curl|jq', argv: ['bash', '-c', `curl -sf '${tasksUrl}' | jq -c '${JQ_FILTER}'`] },
        ];
        if (tasks === 500) candidates.push({ name: 'node', argv: [process.execPath, '-e', '0'] });
        const r = await interleaved(candidates, runs);
        const ours = r.get('ours');
        const theirs = r.get('curl|jq');
        if (!ours || !theirs) continue;
        const node = r.get('node');
        const limitKb = (RSS_BASE_MIB * 1024 * 1024 + RSS_PER_RESPONSE * responseBytes) / 1024;
        printRow([
          tasks.toLocaleString('en-US'),
          fmtMb(responseBytes / 1024),
          fmtMs(ours.wallMs),
          fmtMs(theirs.wallMs),
          ratio(ours.wallMs, theirs.wallMs, CURL_TARGETS[tasks]),
          node ? ratio(ours.wallMs, node.wallMs, NODE_TARGET_AT_500) : '',
          fmtMb(ours.maxRssKb),
          ours.maxRssKb === null ? '' : `${fmtMb(limitKb)}${ours.maxRssKb <= limitKb ? ' ok' : ' MISSED'}`,
        ]);
      } finally {
        await Promise.all([marathonServer.stop(), mesosServer.stop()]);
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  console.log(`medians of interleaved runs (Marathon and Mesos: a mock serve process each); RSS limit ${RSS_BASE_MIB} MiB + ${RSS_PER_RESPONSE}× the response; ${machineLoad()}`);
}
