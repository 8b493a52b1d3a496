import type { Io } from '../core/io.js';
import { CliError, messageOf } from '../core/errors.js';

export interface ConfirmRequest {
  /** --yes was given: scripts confirm up front. */
  yes: boolean;
  /** What the operator must type back (an app id, or a count). */
  expected: string;
  /** Says what will be destroyed, shown before the prompt. */
  question: string;
  /** The verb of the refusals (`delete` unless the command changes rather than deletes, e.g. `edit`). */
  verb?: { present: string; past: string };
}

/**
 * What the operator types back: the target's name when exactly one thing is destroyed and it has a
 * short name (an app id), else how many things. Shared by every destructive command.
 */
export function expectedConfirmation(count: number, soleName?: string): string {
  return count === 1 && soleName !== undefined ? soleName : String(count);
}

/**
 * The confirmation rule of every destructive command: `--yes`, or a terminal on which the operator
 * types the expected value back. No terminal and no `--yes` is a refusal — never a default "yes".
 */
/** What a prompt needs of the run: its terminal, and the Ctrl-C that cancels it. */
export interface PromptScope {
  io: Io;
  signal: AbortSignal;
}

export async function confirmDestruction(ctx: PromptScope, request: ConfirmRequest): Promise<void> {
  if (request.yes) return;
  const verb = request.verb ?? { present: 'delete', past: 'deleted' };
  if (!ctx.io.stdinIsTTY) {
    throw new CliError('refused', `refusing to ${verb.present} without confirmation: no terminal to ask on`, {
      hint: 'Review the plan (--dry-run), then re-run with --yes.',
    });
  }
  const { input } = await import('@inquirer/prompts');
  let answer: string;
  try {
    answer = await input(
      { message: `${request.question} Type ${request.expected} to confirm:` },
      { input: ctx.io.stdin, output: ctx.io.stderr, clearPromptOnDone: false, signal: ctx.signal },
    );
  } catch (e) {
    // Ctrl-C at the prompt (the terminal is raw: a keypress, not SIGINT), or a SIGINT while it waits.
    if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) {
      throw new CliError('interrupted', `interrupted at the confirmation prompt; nothing was ${verb.past}`);
    }
    throw new CliError('refused', `the confirmation prompt failed (${messageOf(e)}); nothing was ${verb.past}`);
  }
  if (answer.trim() !== request.expected) {
    throw new CliError('declined', `confirmation did not match '${request.expected}'; nothing was ${verb.past}`, {
      hint: 'Nothing was done. Run it again and type the value shown, or review the plan with --dry-run.',
    });
  }
}
