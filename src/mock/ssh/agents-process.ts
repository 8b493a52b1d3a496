import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MockTrigger } from '../triggers.js';
import type { MockSshServerHandle, StartMockSshOptions } from './server.js';

/** What a CLI run needs of the mock agents when they live in a process of their own. */
export type MockSshAgentsProcess = Pick<MockSshServerHandle, 'configPath' | 'agents' | 'close'> & { permissions: string };

/** Plain data only: the child builds the command hooks (container mounts, triggers) itself. */
export type MockSshAgentsOptions = Omit<StartMockSshOptions, 'hooks'> & { triggers: readonly MockTrigger[] };

/** The bundled entry (scripts/build.mjs) next to the chunk this code is in. */
const ENTRY = fileURLToPath(new URL('../mock/ssh-agents.js', import.meta.url));

/**
 * Starts the mock agents' SSH servers in a child process: as on a real cluster they do not share the
 * CLI's event loop, CPU and heap (their SSH crypto would otherwise slow the CLI down, and a bigger heap
 * makes each of its ssh spawns slower), so what a run costs is what the tool costs. The child serves
 * until its stdin closes; `env` is its environment (the permission model reads it).
 */
export function startMockSshAgentsProcess(options: MockSshAgentsOptions, env: NodeJS.ProcessEnv = process.env): Promise<MockSshAgentsProcess> {
  const child = spawn(process.execPath, [ENTRY], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`mock SSH agents process exited with ${code} before serving`)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const newline = out.indexOf('\n');
      if (newline === -1) return;
      const ready = JSON.parse(out.slice(0, newline)) as Pick<MockSshAgentsProcess, 'configPath' | 'agents' | 'permissions'>;
      resolve({
        ...ready,
        async close() {
          child.stdin.end();
          await exited;
        },
      });
    });
    child.stdin.write(`${JSON.stringify(options)}\n`);
  });
}
