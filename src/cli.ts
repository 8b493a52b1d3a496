import { Command, CommanderError, Help, Option } from 'commander';
import { processIo, type Io } from './core/io.js';
import { createFactory } from './commands/factory.js';
import { handleUnknownWords, registerCommands, subcommandTerm } from './commands/index.js';
import { ExitCode } from './core/errors.js';
import { addGlobalSshOptions } from './commands/ssh-options.js';
import { packageVersion } from './core/version.js';

const increase = (_value: string, previous: number | undefined) => (previous ?? 0) + 1;

export async function buildProgram(io: Io, givenArgv: string[]) {
  const factory = createFactory(io);
  const program = new Command('stateful-ops')
    .description(
      'Operate stateful Marathon apps (local persistent volumes) on DC/OS or plain Mesos+Marathon:\n' +
        'find waiting tasks and their volumes, wipe them safely, check agent recovery settings.',
    )
    .version(packageVersion(), '-V, --version', 'Print the version')
    .helpOption('-h, --help', 'Show help for a command')
    .addHelpCommand(false)
    .showSuggestionAfterError(true) // for mistyped options; mistyped commands: handleUnknownWords
    .enablePositionalOptions(false)
    .option('--json', 'Print machine-readable JSON on stdout')
    .option('-o, --output <format>', 'table (default), wide (full ids, more columns) or json (same as --json)')
    .option('-q, --quiet', 'Print only data and errors; list commands print task ids only, one per line')
    .option('-v, --verbose', 'More detail on stderr (-vv for HTTP traces)', increase, undefined)
    .option('--no-color', 'Disable colours (also NO_COLOR; off when not a terminal unless FORCE_COLOR)')
    .option('--mock', 'Use the embedded mock DC/OS cluster (offline)')
    .option('--mock-dir <dir>', 'State directory of the mock cluster (default: $XDG_STATE_HOME/stateful-ops/mock)')
    .option('--url <url>', 'DC/OS URL (Admin Router); env DCOS_URL, dcos.toml core.dcos_url')
    .option('--marathon-url <url>', 'Marathon URL, for clusters without DC/OS (env DCOS_MARATHON_URL)')
    .option('--mesos-url <url>', 'Mesos master URL, for clusters without DC/OS (env DCOS_MESOS_MASTER_URL)')
    .addOption(new Option('--acs-token <token>', 'ACS token (prefer env DCOS_ACS_TOKEN: flags show up in ps)').hideHelp())
    .option('--acs-token-file <file>', 'Read the ACS token from a file')
    .option('--sa-uid <uid>', 'Service account uid for login (env DCOS_SERVICE_ACCOUNT_UID)')
    .option('--sa-key-file <file>', 'Service account private key, PEM, mode 0600 (env DCOS_SERVICE_ACCOUNT_KEY_FILE)')
    .option('--ca-bundle <file>', 'Trust this PEM CA bundle (env DCOS_TLS_CA_PATH, core.ssl_verify=<path>)')
    .option('--insecure', 'Do not verify TLS certificates (unsafe)')
    .option('--timeout <seconds>', 'Per-request timeout (env DCOS_TIMEOUT, core.timeout; default 180)');
  addGlobalSshOptions(program)
    .addHelpText(
      'after',
      `
Examples:
  $ stateful-ops --mock tasks list           # try it offline against the embedded mock cluster
  $ stateful-ops tasks list --app /db/       # waiting tasks of every app under /db
  $ stateful-ops --json tasks show postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1
  $ stateful-ops help tasks list              # the same as: stateful-ops tasks list --help
  $ stateful-ops --sudo --ssh-user core agent recovery-config   # SSH flags work in either position

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 refused by a safety check,
5 partial success, 6 authentication, 7 cluster unreachable/timeout, 8 check failed.
Use "stateful-ops <command> --help" for more information about a command.`,
    );

  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(`Error: ${s.replace(/^error: /, '')}`),
  });
  program.exitOverride();
  program.configureHelp({
    subcommandTerm(this: Help, cmd: Command) {
      return subcommandTerm(cmd, (c) => Help.prototype.subcommandTerm.call(this, c));
    },
  });
  let argv = rewriteHelp(program, givenArgv);
  const args = argv.slice(2);
  const at = commandIndex(program, args);
  const word = at < 0 ? undefined : args[at];
  const nounHelpOnly = at >= 0 && args.slice(at + 1).every((a) => a === '--help' || a === '-h');
  await registerCommands(program, factory, word, nounHelpOnly);
  handleUnknownWords(program, ['help']);
  // `help nosuch`: the unknown word is reported as such, not answered with the top-level help.
  if (argv !== givenArgv && word !== undefined && !program.commands.some((c) => c.name() === word)) argv = argv.slice(0, -1);
  // Every subcommand inherits the output routing and the no-exit behaviour.
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.copyInheritedSettings(cmd);
      inherit(sub);
    }
  };
  inherit(program);
  return { program, factory, argv };
}

/** Where the first word that is not a global option or its value is: the noun (or single command) asked for; -1: none. */
function commandIndex(program: Command, args: string[]): number {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1;
    if (!arg.startsWith('-') || arg === '-') return i;
    if (takesValue.has(arg)) i++;
  }
  return -1;
}

/**
 * `stateful-ops help [<noun> [<verb>]]`, as in git, kubectl and gh: the same as `<noun> <verb> --help`.
 * The word stands where the command word would.
 */
export function rewriteHelp(program: Command, argv: string[]): string[] {
  const args = argv.slice(2);
  const at = commandIndex(program, args);
  if (at < 0 || args[at] !== 'help') return argv;
  return [...argv.slice(0, 2), ...args.slice(0, at), ...args.slice(at + 1), '--help'];
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  // `stateful-ops … | head`: a reader that stops early is not an error.
  io.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const { program, factory, argv: parsedArgv } = await buildProgram(io, argv);
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return ExitCode.USAGE;
    }
    await program.parseAsync(parsedArgv);
    return factory.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        return ExitCode.OK;
      }
      // A command group without a verb: commander printed its help.
      if (e.code === 'commander.executeSubCommandAsync' || e.code === 'commander.missingMandatoryOptionValue') {
        return ExitCode.USAGE;
      }
      return ExitCode.USAGE;
    }
    throw e;
  }
}
