import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { resetMock } from '../../src/mock/scenario.js';
import { cliPath, mockArgs, tempDir } from './cli.js';

/**
 * Call at a test file's top level: returns a function that makes a fresh default mock (Marathon 1.10, no
 * auth) in a directory of its own — CLI runs on one mock directory share its generated ssh_config — all
 * removed after the file's tests.
 */
export function defaultMockDirs(): () => string {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));
  return () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    resetMock({ stateDir: dir, scenario: 'default', flavour: '1.10', requireAuth: false });
    return dir;
  };
}

/** The built CLI against the mock in `dir`, left running (for Ctrl-C tests): what it printed so far, and its exit. */
export function spawnMockCli(dir: string, args: string[], env: Record<string, string> = {}): {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [cliPath, ...mockArgs(dir), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', STATEFUL_OPS_SSH_SUDO: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output.stderr += d));
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output.stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output, exited };
}

/** The id of agent n of the mock's scenarios, as Mesos prints it: S(1) is `…-S1`, on 127.0.0.168. */
export const S = (n: number) => `d935ca7e-e29d-4503-94e7-25fe9f16847c-S${n}`;
