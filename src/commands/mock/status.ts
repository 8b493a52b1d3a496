import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { notFound, type ExitCodeValue } from '../../core/errors.js';
import { renderTable } from '../../output/table.js';
import type { Factory } from '../factory.js';

export type MockStatusOptions = Record<string, never>;

export function newCmdMockStatus(f: Factory, runF = run): Command {
  return new Command('status')
    .description('Show what the mock cluster holds: Marathon version, apps, tasks, agents, auth')
    .addHelpText(
      'after',
      `
Examples:
  $ stateful-ops mock status
  $ stateful-ops --json mock status | jq .tasks`,
    )
    .action(async (options: MockStatusOptions, cmd: Command) => f.execute(cmd, (ctx) => runF(ctx, options)));
}

export async function run(ctx: Ctx, _options: MockStatusOptions): Promise<ExitCodeValue | void> {
  const { resolveMockDir } = await import('../../mock/paths.js');
  const { readStateFile } = await import('../../mock/store.js');
  const { summarize } = await import('../../mock/summary.js');
  const stateDir = resolveMockDir(ctx.opts.mockDir, ctx.io.env, ctx.io.homedir, ctx.io.cwd);
  const state = readStateFile(stateDir);
  if (!state) throw notFound(`no mock cluster in ${stateDir}`, 'Create one with: stateful-ops mock reset');
  const s = summarize(state);
  if (ctx.opts.json) {
    ctx.printJson({ stateDir, ...s });
    return;
  }
  ctx.print(
    renderTable(
      [
        { header: 'MARATHON', value: () => s.marathonVersion },
        { header: 'APPS', value: () => s.apps, align: 'right' },
        { header: 'RUNNING', value: () => s.tasks.running, align: 'right' },
        { header: 'WAITING', value: () => s.tasks.waiting, align: 'right' },
        { header: 'ON LOST AGENTS', value: () => s.tasks.onLostAgents, align: 'right' },
        { header: 'AGENTS', value: () => s.agents.active, align: 'right' },
        { header: 'LOST AGENTS', value: () => s.agents.lost, align: 'right' },
        { header: 'LEADER', value: () => (s.leader ? 'yes' : 'no') },
        { header: 'AUTH', value: () => (s.authRequired ? 'required' : 'off') },
        { header: 'STATE DIR', value: () => stateDir },
      ],
      [s],
    ),
  );
}
