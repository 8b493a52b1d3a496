import { cliPath, fmtMs, measure, median } from './harness.js';

const RUNS = 10;

/** Startup cost: `stateful-ops --version` and `tasks --help` against bare `node -e 0`. */
export async function benchStartup(): Promise<void> {
  const time = async (argv: string[]) => {
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await measure(argv)).wallMs);
    return median(runs);
  };
  const bare = await time([process.execPath, '-e', '0']);
  const version = await time([process.execPath, cliPath, '--version']);
  const help = await time([process.execPath, cliPath, 'tasks', 'list', '--help']);
  console.log(`node -e 0:               ${fmtMs(bare)}`);
  console.log(`stateful-ops --version:  ${fmtMs(version)} (+${fmtMs(version - bare)}, ratio ${(version / bare).toFixed(2)})`);
  console.log(`tasks list --help:       ${fmtMs(help)} (+${fmtMs(help - bare)}, ratio ${(help / bare).toFixed(2)})`);
}
