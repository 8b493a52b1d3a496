import { Argument, Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { completionScript, type CompletionTree, type Shell } from '../../output/completion.js';
import type { Factory } from '../factory.js';

export function newCmdCompletion(f: Factory, runF = run): Command {
  return new Command('completion')
    .description('Print a shell completion script (nouns, verbs and flags) for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
Examples:
  $ stateful-ops completion bash > /etc/bash_completion.d/stateful-ops   # or: source <(stateful-ops completion bash)
  $ stateful-ops completion zsh > "\${fpath[1]}/_stateful-ops"
  $ stateful-ops completion fish > ~/.config/fish/completions/stateful-ops.fish`,
    )
    .action(async (shell: Shell, _options: unknown, c: Command) => f.execute(c, (ctx) => runF(ctx, shell, rootOf(c))));
}

export async function run(ctx: Ctx, shell: Shell, root: Command): Promise<ExitCodeValue> {
  ctx.print(completionScript(shell, treeOf(root)));
  return ExitCode.OK;
}

function rootOf(cmd: Command): Command {
  return cmd.parent ? rootOf(cmd.parent) : cmd;
}

/** Every command path with its subcommands and flags; hidden options stay hidden. */
export function treeOf(root: Command): CompletionTree {
  const tree: CompletionTree = { words: new Map(), flags: new Map() };
  const walk = (cmd: Command, path: string) => {
    // `help <noun> <verb>` is handled before commander sees it (cli.ts rewriteHelp): offered at the top only.
    tree.words.set(path, [...cmd.commands.map((c) => c.name()), ...(path === '' ? ['help'] : [])]);
    tree.flags.set(
      path,
      cmd.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined)).concat('--help'),
    );
    for (const sub of cmd.commands) walk(sub, path === '' ? sub.name() : `${path} ${sub.name()}`);
  };
  walk(root, '');
  return tree;
}
