import { Command, CommanderError } from 'commander';
import type { Factory } from './factory.js';
import { didYouMean } from './suggest.js';

type Define = (f: Factory) => Command;

/**
 * A noun grouping verbs, or a command of its own (wipe); listed in help order. A command of its own
 * carries the line the top-level help shows for it (`term`, `description`: a test holds them equal to
 * its definition), so that help does not load it.
 */
type Entry =
  | { name: string; description: string; verbs: () => Promise<Define[]>; verbLines: VerbLine[] }
  | { name: string; description: string; term: string; define: () => Promise<Define> };

/** A verb's line in its noun's help (`tasks --help`), shown without loading the verb; a test holds it to the definition. */
interface VerbLine {
  name: string;
  term: string;
  description: string;
}

/** Each loader imports a command's module (and what it imports) only when that command is asked for. */
const entries: Entry[] = [
  {
    name: 'tasks',
    description: 'Stateful Marathon tasks: waiting, running, on lost agents',
    verbs: async () => {
      const [list, show] = await Promise.all([import('./tasks/list.js'), import('./tasks/show.js')]);
      return [list.newCmdTasksList, show.newCmdTasksShow];
    },
    verbLines: [
      { name: 'list', term: 'list [options]', description: 'List waiting stateful tasks (reservations and volumes held, nothing running)' },
      { name: 'show', term: 'show [options] <task-id>', description: 'Show one stateful task: its agent, state and every persistent volume with its host path' },
    ],
  },
  {
    name: 'volumes',
    description: 'Persistent volumes: host paths, orphans, backup and restore',
    verbs: async () => {
      const [list, orphans, backup, restore, backups] = await Promise.all([
        import('./volumes/list.js'),
        import('./volumes/orphans.js'),
        import('./volumes/backup.js'),
        import('./volumes/restore.js'),
        import('./volumes/backups.js'),
      ]);
      return [list.newCmdVolumesList, orphans.newCmdVolumesOrphans, backup.newCmdVolumesBackup, restore.newCmdVolumesRestore, backups.newCmdVolumesBackups];
    },
    verbLines: [
      { name: 'list', term: 'list [options]', description: 'List persistent volumes of stateful tasks with their host paths on the agents' },
      { name: 'orphans', term: 'orphans [options]', description: 'Find volume data and reservations nothing uses any more; optionally delete / release them' },
      {
        name: 'backup',
        term: 'backup [options] [task-id...]',
        description: "Archive waiting tasks' persistent volumes (tar over SSH) into a local directory, each with a verified manifest",
      },
      {
        name: 'restore',
        term: 'restore [options] <archive> <task-id>',
        description: "Write a volume archive into a waiting task's empty volume (same app and container path, any agent)",
      },
      { name: 'backups', term: 'backups [options] <dir>', description: 'List the volume archives in a directory with their manifests; --verify reads each archive back' },
    ],
  },
  {
    name: 'agent',
    description: 'Agent configuration checks, restarts and maintenance',
    verbs: async () => {
      const [recovery, restart, schedule, status, down, up] = await Promise.all([
        import('./agent/recovery-config.js'),
        import('./agent/restart-check.js'),
        import('./agent/maintenance/schedule.js'),
        import('./agent/maintenance/status.js'),
        import('./agent/maintenance/down.js'),
        import('./agent/maintenance/up.js'),
      ]);
      const maintenance: Define = (f) =>
        group('maintenance', 'Mesos maintenance: schedule machines, drain, bring them down and up', [
          schedule.newCmdMaintenanceSchedule(f),
          status.newCmdMaintenanceStatus(f),
          down.newCmdMaintenanceDown(f),
          up.newCmdMaintenanceUp(f),
        ]);
      return [recovery.newCmdAgentRecoveryConfig, restart.newCmdAgentRestartCheck, maintenance];
    },
    verbLines: [
      {
        name: 'recovery-config',
        term: 'recovery-config [options]',
        description: "Check every agent's recovery settings (strict, recover, recovery_timeout, KillMode…): effective values, origins, drift, rules",
      },
      {
        name: 'restart-check',
        term: 'restart-check [options] <agent...>',
        description: 'What a mesos-agent restart (or, with --reboot, a reboot of the host) does to every task on the agents',
      },
      { name: 'maintenance', term: 'maintenance', description: 'Mesos maintenance: schedule machines, drain, bring them down and up' },
    ],
  },
  {
    name: 'apps',
    description: 'Check stateful app definitions',
    verbs: async () => [(await import('./apps/check.js')).newCmdAppsCheck],
    verbLines: [
      {
        name: 'check',
        term: 'check [options] <app...>',
        description: "Lint app definitions with persistent volumes (files, directories, stdin, deployed apps) against your Marathon version's rules",
      },
    ],
  },
  {
    name: 'wipe',
    description: 'Free waiting tasks: delete their volume data on the agent, then expunge them from Marathon (wipe=true)',
    term: 'wipe [options] [task-id...]',
    define: async () => (await import('./wipe/wipe.js')).newCmdWipe,
  },
  {
    name: 'completion',
    description: 'Print a shell completion script (nouns, verbs and flags) for bash, zsh or fish',
    term: 'completion <shell>',
    define: async () => (await import('./completion/completion.js')).newCmdCompletion,
  },
  {
    name: 'mock',
    description: 'The embedded mock DC/OS cluster (offline use and tests)',
    verbs: async () => {
      const [reset, serve, status] = await Promise.all([
        import('./mock/reset.js'),
        import('./mock/serve.js'),
        import('./mock/status.js'),
      ]);
      return [reset.newCmdMockReset, serve.newCmdMockServe, status.newCmdMockStatus];
    },
    verbLines: [
      { name: 'reset', term: 'reset [options]', description: 'Replace the mock cluster with a fresh scenario (state, agent sandboxes, keys)' },
      { name: 'serve', term: 'serve [options]', description: 'Serve the mock cluster over HTTP until interrupted (prints the base URL on stdout)' },
      { name: 'status', term: 'status', description: 'Show what the mock cluster holds: Marathon version, apps, tasks, agents, auth' },
    ],
  },
];

/** A noun that groups verbs; without a verb it prints its help and exits with the usage code. */
function group(name: string, description: string, verbs: Command[]): Command {
  const cmd = new Command(name).description(description);
  for (const verb of verbs) cmd.addCommand(verb);
  return handleUnknownWords(cmd);
}

/**
 * A command word that is no subcommand: `unknown command 'lst' for 'stateful-ops tasks'` and the close
 * matches (the program's own nouns as well as each noun's verbs); no word: the help, usage exit code.
 */
export function handleUnknownWords(cmd: Command, extraWords: string[] = []): Command {
  return cmd.allowExcessArguments(true).action(() => {
    const typed = cmd.args[0];
    const path = [...ancestry(cmd)].join(' ');
    if (typed !== undefined) {
      const known = [...cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]), ...extraWords];
      cmd.error(`error: unknown command '${typed}' for '${path}'${didYouMean(typed, known)}`, { exitCode: 2, code: 'commander.unknownCommand' });
    }
    cmd.outputHelp({ error: true });
    throw new CommanderError(2, 'stateful-ops.missingVerb', `missing command for '${path}'`);
  });
}

function* ancestry(cmd: Command): Generator<string> {
  if (cmd.parent) yield* ancestry(cmd.parent);
  yield cmd.name();
}

/** The top-level help line of a command whose definition is not loaded. */
const helpTerms = new WeakMap<Command, string>();

/** The term the help shows for `cmd`: its placeholder's, or what commander derives from its definition. */
export function subcommandTerm(cmd: Command, derived: (cmd: Command) => string): string {
  return helpTerms.get(cmd) ?? derived(cmd);
}

/** A command shown in help by its line alone, its definition not loaded. */
function placeholder(name: string, term: string, description: string): Command {
  const cmd = new Command(name).description(description);
  helpTerms.set(cmd, term);
  return cmd;
}

/**
 * Registers every command. Only the command line's own word gets its definition: the others appear by
 * name and description (all the top-level help shows of them), so `tasks list` never loads `wipe` and
 * `--help` loads no command at all. `nounHelpOnly`: the noun is followed by nothing but `--help` (its
 * help lists its verbs by their lines, none loaded).
 */
export async function registerCommands(program: Command, f: Factory, word: string | undefined, nounHelpOnly = false): Promise<void> {
  // Completion scripts are generated from the whole tree: every command gets its definition.
  const all = word === 'completion';
  const commands = await Promise.all(
    entries.map(async (e): Promise<Command> => {
      if ('verbs' in e) {
        if (!all && e.name === word && nounHelpOnly) return group(e.name, e.description, e.verbLines.map((v) => placeholder(v.name, v.term, v.description)));
        return group(e.name, e.description, all || e.name === word ? (await e.verbs()).map((define) => define(f)) : []);
      }
      if (all || e.name === word) return (await e.define())(f);
      return placeholder(e.name, e.term, e.description);
    }),
  );
  for (const cmd of commands) program.addCommand(cmd);
}

/** The nouns with their verbs' help lines and loaders, for the test that holds the lines to the definitions. */
export const nounEntries = () => entries.filter((e): e is Extract<Entry, { verbs: unknown }> => 'verbs' in e);

/** The entries of commands of their own, for the test that holds their help lines to their definitions. */
export const standaloneEntries = () => entries.filter((e): e is Extract<Entry, { term: string }> => 'term' in e);
