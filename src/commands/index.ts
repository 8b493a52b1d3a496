import { Command, CommanderError } from 'commander';
import type { Factory } from './factory.js';
import { newCmdTasksList } from './tasks/list.js';
import { newCmdTasksShow } from './tasks/show.js';
import { newCmdVolumesList } from './volumes/list.js';
import { newCmdVolumesOrphans } from './volumes/orphans.js';
import { newCmdAgentRecoveryConfig } from './agent/recovery-config.js';
import { newCmdAgentRestartCheck } from './agent/restart-check.js';
import { newCmdMaintenanceDown } from './agent/maintenance/down.js';
import { newCmdMaintenanceSchedule } from './agent/maintenance/schedule.js';
import { newCmdMaintenanceStatus } from './agent/maintenance/status.js';
import { newCmdMaintenanceUp } from './agent/maintenance/up.js';
import { newCmdMockReset } from './mock/reset.js';
import { newCmdMockServe } from './mock/serve.js';
import { newCmdMockStatus } from './mock/status.js';
import { newCmdWipe } from './wipe.js';
import { newCmdAppsCheck } from './apps/check.js';

/** A noun that groups verbs; without a verb it prints its help and exits with the usage code. */
function group(name: string, description: string, verbs: Command[]): Command {
  const cmd = new Command(name).description(description);
  for (const verb of verbs) cmd.addCommand(verb);
  cmd.action(() => {
    cmd.outputHelp({ error: true });
    throw new CommanderError(2, 'stateful-ops.missingVerb', `missing command for '${name}'`);
  });
  return cmd;
}

export function registerCommands(program: Command, f: Factory): void {
  program.addCommand(
    group('tasks', 'Stateful Marathon tasks: waiting, running, on lost agents', [newCmdTasksList(f), newCmdTasksShow(f)]),
  );
  program.addCommand(group('volumes', 'Persistent volumes and their host paths', [newCmdVolumesList(f), newCmdVolumesOrphans(f)]));
  program.addCommand(group('agent', 'Agent configuration checks, restarts and maintenance', [
      newCmdAgentRecoveryConfig(f),
      newCmdAgentRestartCheck(f),
      group('maintenance', "Mesos maintenance: schedule machines, drain, bring them down and up", [
        newCmdMaintenanceSchedule(f),
        newCmdMaintenanceStatus(f),
        newCmdMaintenanceDown(f),
        newCmdMaintenanceUp(f),
      ]),
    ]));
  program.addCommand(group('apps', 'Check stateful app definitions', [newCmdAppsCheck(f)]));
  program.addCommand(newCmdWipe(f));
  program.addCommand(
    group('mock', 'The embedded mock DC/OS cluster (offline use and tests)', [
      newCmdMockReset(f),
      newCmdMockServe(f),
      newCmdMockStatus(f),
    ]),
  );
}
