import { cliPath, fmtMs, interleaved, machineLoad, printTable, ratio } from './harness.js';

const RUNS = 21;

/** Start-up: `--version`, `--help` and `tasks --help` against bare `node -e 0`, interleaved. */
export async function benchStartup(): Promise<void> {
  const node = process.execPath;
  const cli = (...args: string[]) => [node, cliPath, ...args];
  const r = await interleaved(
    [
      { name: 'node -e 0', argv: [node, '-e', '0'] },
      { name: 'stateful-ops --version', argv: cli('--version') },
      { name: 'stateful-ops --help', argv: cli('--help') },
      { name: 'stateful-ops tasks --help', argv: cli('tasks', '--help') },
    ],
    RUNS,
  );
  const bare = r.get('node -e 0');
  if (!bare) return;
  const targets: Record<string, number> = { 'stateful-ops --version': 1.25, 'stateful-ops --help': 1.4, 'stateful-ops tasks --help': 1.4 };
  printTable([
    ['command', 'wall', 'vs node -e 0', 'CPU', 'CPU vs node -e 0'],
    ...[...r.values()].map((s) => [
      s.name,
      fmtMs(s.wallMs),
      s === bare ? '' : ratio(s.wallMs, bare.wallMs, targets[s.name]),
      s.cpuMs === null ? 'n/a' : fmtMs(s.cpuMs),
      s === bare || s.cpuMs === null || bare.cpuMs === null ? '' : ratio(s.cpuMs, bare.cpuMs),
    ]),
  ]);
  console.log(`medians of ${RUNS} interleaved runs; ${machineLoad()}`);
}
