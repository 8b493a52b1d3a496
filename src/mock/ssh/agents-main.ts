import { mockCommandHooks } from '../triggers.js';
import type { MockSshAgentsOptions } from './agents-process.js';
import { startMockSshServer } from './server.js';

/**
 * Entry of the mock agents' own process (see agents-process.ts): options as one JSON line on stdin, the
 * handle's config path and agents as one JSON line on stdout, then serving until stdin closes.
 */
let input = '';
let server: Awaited<ReturnType<typeof startMockSshServer>> | undefined;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  if (server !== undefined || !(input += d).includes('\n')) return;
  const { triggers, ...options } = JSON.parse(input.slice(0, input.indexOf('\n'))) as MockSshAgentsOptions;
  void startMockSshServer({ ...options, hooks: mockCommandHooks(options.stateDir, triggers) }).then((started) => {
    server = started;
    const ready = { configPath: started.configPath, agents: started.agents, permissions: started.permissions.description };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  });
});
process.stdin.on('end', () => {
  void (server?.close() ?? Promise.resolve()).then(() => process.exit(0));
});
