import { permissionModel } from '../../mock/ssh/permissions.js';
import { Command, Option } from 'commander';
import type { Ctx } from '../../context/context.js';
import { usageError, type ExitCodeValue } from '../../core/errors.js';
import type { Factory } from '../factory.js';

export interface MockResetOptions {
  scenario?: string;
  marathonVersion: string;
  requireAuth?: boolean;
  leader: boolean;
  apps?: string;
  tasksPerApp?: string;
  waitingRatio?: string;
  agents?: string;
  lostAgents?: string;
}

export function newCmdMockReset(f: Factory, runF = run): Command {
  return new Command('reset')
    .description('Replace the mock cluster with a fresh scenario (state, agent sandboxes, keys)')
    .addOption(new Option('--scenario <name>', 'Scenario to seed').choices(['default', 'generated']))
    .addOption(new Option('--marathon-version <v>', 'Marathon version to emulate').choices(['1.1', '1.4', '1.10']).default('1.10'))
    .option('--require-auth', 'Require an ACS token; writes a service-account key (uid stateful-ops-ci) to the state dir')
    .option('--no-leader', 'Marathon has no leader: every Marathon request gets the 503/502 error page')
    .option('--apps <n>', 'Generated scenario: number of resident apps')
    .option('--tasks-per-app <n>', 'Generated scenario: tasks per app (default 10)')
    .option('--waiting-ratio <r>', 'Generated scenario: fraction of waiting tasks, 0..1 (default 0.3)')
    .option('--agents <n>', 'Generated scenario: number of agents (default: one per 100 tasks)')
    .option('--lost-agents <n>', 'Generated scenario: how many agents are lost (default 0)')
    .addHelpText(
      'after',
      `
The default scenario: agents ...-S0 to -S5 on 127.0.0.167-172 (S2 lost, S4 public), /postgres with a
running, a waiting and a lost-agent task, /db/mysql waiting with two volumes, /kafka/broker on a MOUNT
disk, stateless /web/nginx with a deployment in progress.

Examples:
  $ stateful-ops mock reset
  $ stateful-ops mock reset --marathon-version 1.4 --require-auth
  $ stateful-ops --mock-dir /tmp/big mock reset --apps 5000 --tasks-per-app 10 --waiting-ratio 0.3`,
    )
    .action(async (options: MockResetOptions, cmd: Command) => f.execute(cmd, (ctx) => runF(ctx, options)));
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw usageError(`${name} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

function ratio(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw usageError(`--waiting-ratio must be between 0 and 1, got '${value}'`);
  return n;
}

export async function run(ctx: Ctx, options: MockResetOptions): Promise<ExitCodeValue | void> {
  const apps = integer('--apps', options.apps, 1);
  const tasksPerApp = integer('--tasks-per-app', options.tasksPerApp, 1);
  const waitingRatio = ratio(options.waitingRatio);
  const agents = integer('--agents', options.agents, 1);
  const lostAgents = integer('--lost-agents', options.lostAgents, 0);
  const generatorGiven = [apps, tasksPerApp, waitingRatio, agents, lostAgents].some((v) => v !== undefined);
  const scenario = options.scenario ?? (generatorGiven ? 'generated' : 'default');
  if (scenario === 'default' && generatorGiven) {
    throw usageError('--apps, --tasks-per-app, --waiting-ratio, --agents and --lost-agents need --scenario generated');
  }
  if (scenario === 'generated' && apps === undefined) throw usageError('the generated scenario needs --apps <n>');
  if (agents !== undefined && lostAgents !== undefined && lostAgents >= agents) {
    throw usageError('--lost-agents must be smaller than --agents');
  }

  const { resolveMockDir } = await import('../../mock/paths.js');
  const { resetMock } = await import('../../mock/scenario.js');
  const { summarize, summaryLine } = await import('../../mock/summary.js');
  const stateDir = resolveMockDir(ctx.opts.mockDir, ctx.io.env, ctx.io.homedir, ctx.io.cwd);
  const started = performance.now();
  const result = resetMock({
    stateDir,
    scenario: scenario === 'generated' ? 'generated' : 'default',
    flavour: options.marathonVersion as '1.1' | '1.4' | '1.10',
    requireAuth: options.requireAuth === true,
    ...(scenario === 'generated'
      ? {
          generator: {
            apps: apps ?? 1,
            tasksPerApp: tasksPerApp ?? 10,
            waitingRatio: waitingRatio ?? 0.3,
            ...(agents === undefined ? {} : { agents }),
            ...(lostAgents === undefined ? {} : { lostAgents }),
          },
        }
      : {}),
    leaderPresent: options.leader,
  });
  const elapsedMs = Math.round(performance.now() - started);
  const summary = summarize(result.state);
  if (ctx.opts.json) {
    ctx.printJson({ stateDir, ...summary, ...(result.serviceAccount ? { serviceAccount: result.serviceAccount } : {}) });
  }
  ctx.log.info(`${summaryLine(summary)} — reset in ${elapsedMs} ms (${stateDir})`);
  if (result.serviceAccount) {
    ctx.log.info(`service account ${result.serviceAccount.uid}, private key ${result.serviceAccount.keyPath}`);
  }
  if (!summary.sandboxData) ctx.log.info('agent sandboxes hold config files only (no volume data) at this size');
  const permissions = permissionModel(ctx.io.env);
  if (!permissions.enforced) ctx.log.info(`mock agents: ${permissions.description}`);
}
