import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { CliError, usageError, type ExitCodeValue } from '../../core/errors.js';
import type { Factory } from '../factory.js';
import { collect } from '../options.js';

export interface MockServeOptions {
  port: string;
  host: string;
  fault: string[];
  ssh?: boolean;
}

export function newCmdMockServe(f: Factory, runF = run): Command {
  return new Command('serve')
    .description('Serve the mock cluster over HTTP until interrupted (prints the base URL on stdout)')
    .option('--port <port>', 'Port to listen on (0: any free port)', '0')
    .option('--host <address>', 'Loopback address to listen on (127.0.0.0/8 only)', '127.0.0.1')
    .option('--fault <spec>', 'Inject faults, e.g. "marathon:status=503" (repeatable; also STATEFUL_OPS_MOCK_FAULTS)', collect, [])
    .option('--ssh', "Serve the agents' SSH too; prints their ssh_config path as a second line (for STATEFUL_OPS_MOCK_SSH_CONFIG)")
    .addHelpText(
      'after',
      `
Layout: Admin Router paths (/service/marathon/v2/..., /mesos/..., /agent/<id>/..., /acs/api/v1/auth/login).
Each live agent also answers /flags and /state on its own address (e.g. 127.0.0.167) at the same port.
With --ssh the agents keep answering SSH between commands, as a real cluster's do: SSH faults and
triggers are this process's (STATEFUL_OPS_MOCK_SSH_FAULTS, STATEFUL_OPS_MOCK_TRIGGERS), not each run's;
the agents are the ones the state had when it started (restart it after \`mock reset\`).
Fault spec: [marathon|mesos|agent|acs|all:]key=value,... ; keys latency=<ms>, status=<code>, rate=<0..1>,
drop=<0..1>, hang=1, slow-body=<ms>, html=1, truncate=1. Rules are separated by ';'.

Examples:
  $ stateful-ops mock serve --port 8080
  $ stateful-ops mock serve > /tmp/mock.url & sleep 1; stateful-ops --url "$(cat /tmp/mock.url)" tasks list
  $ stateful-ops mock serve --fault 'marathon:status=503,rate=0.5' --fault 'agent:latency=2000'
  $ stateful-ops mock serve --ssh > /tmp/mock.out & sleep 2
  $ STATEFUL_OPS_MOCK_URL="$(sed -n 1p /tmp/mock.out)" STATEFUL_OPS_MOCK_SSH_CONFIG="$(sed -n 2p /tmp/mock.out)" \\
      stateful-ops --mock agent recovery-config`,
    )
    .action(async (options: MockServeOptions, cmd: Command) => f.execute(cmd, (ctx) => runF(ctx, options)));
}

export async function run(ctx: Ctx, options: MockServeOptions): Promise<ExitCodeValue | void> {
  const port = Number(options.port);
  if (!/^\d+$/.test(options.port) || port > 65535) throw usageError(`--port must be 0..65535, got '${options.port}'`);
  const [{ isLoopbackAddress }, { startMockServer }] = await Promise.all([import('../../mock/loopback.js'), import('../../mock/server.js')]);
  if (!isLoopbackAddress(options.host)) throw usageError(`--host must be a loopback address in 127.0.0.0/8, got '${options.host}'`);
  const { FaultSpecError, parseFaults } = await import('../../mock/faults.js');
  let faults;
  try {
    faults = [...parseFaults(ctx.io.env.STATEFUL_OPS_MOCK_FAULTS), ...options.fault.flatMap((spec) => parseFaults(spec))];
  } catch (e) {
    if (e instanceof FaultSpecError) throw usageError(e.message);
    throw e;
  }

  const { resolveMockDir, stateFilePath } = await import('../../mock/paths.js');
  const { existsSync } = await import('node:fs');
  const stateDir = resolveMockDir(ctx.opts.mockDir, ctx.io.env, ctx.io.homedir, ctx.io.cwd);
  if (!existsSync(stateFilePath(stateDir))) {
    const { resetMock } = await import('../../mock/scenario.js');
    resetMock({ stateDir, scenario: 'default', flavour: '1.10', requireAuth: false });
    ctx.log.info(`mock: seeded the default scenario (Marathon 1.10) in ${stateDir}`);
  }

  // This command owns Ctrl-C and SIGTERM: stopping the server is its normal end, not an interruption of work.
  const inherited = (['SIGINT', 'SIGTERM'] as const).flatMap((s) => process.listeners(s).map((listener) => ({ s, listener })));
  for (const { s, listener } of inherited) process.off(s, listener);
  try {
    const server = await startMockServer({ stateDir, port, host: options.host, faults, log: (m) => ctx.log.warn(m) }).catch((e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new CliError('error', `cannot listen on ${options.host}:${port} (${code})`, { hint: 'Pick another --port, or 0 for any free one.' });
      }
      throw e;
    });
    let agents;
    try {
      // The agents' SSH servers for as long as this serves (their spec errors are usage errors already).
      agents = options.ssh ? await (await import('../../mock/agent-transport.js')).startMockAgents(stateDir, ctx.io.env) : undefined;
    } catch (e) {
      await server.close();
      throw e;
    }
    ctx.print(server.url);
    if (agents) ctx.print(agents.configPath);
    ctx.log.info(`mock: serving ${stateDir} at ${server.url}${faults.length > 0 ? ` with ${faults.length} fault rule(s)` : ''} (Ctrl-C to stop)`);
    if (agents) ctx.log.info(`mock: agents answer SSH through ${agents.configPath}; ${agents.permissions}`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      const stop = (s: NodeJS.Signals) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(s);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await Promise.all([server.close(), agents?.close()]);
    ctx.log.info(`mock: stopped (${signal})`);
  } finally {
    for (const { s, listener } of inherited) process.on(s, listener as NodeJS.SignalsListener);
  }
}

