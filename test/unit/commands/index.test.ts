import { PassThrough } from 'node:stream';
import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../../src/core/io.js';
import { buildProgram } from '../../../src/cli.js';
import { createFactory } from '../../../src/commands/factory.js';
import { nounEntries, standaloneEntries } from '../../../src/commands/index.js';

const io = (): Io & { out: () => string } => {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return {
    stdout, stderr: new PassThrough(), stdin: new PassThrough(),
    stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, env: {}, cwd: '/', homedir: '/nonexistent',
    out: () => text,
  };
};

describe('top-level help without loading commands', () => {
  it('each command of its own shows the same line as its definition would', async () => {
    for (const entry of standaloneEntries()) {
      const cmd = (await entry.define())(createFactory(io()));
      expect(new Help().subcommandTerm(cmd)).toBe(entry.term);
      expect(cmd.description()).toBe(entry.description);
    }
  });

  it('the top-level help lists it with its arguments', async () => {
    const test = io();
    const { program } = await buildProgram(test, ['node', 'stateful-ops', '--help']);
    program.outputHelp();
    expect(test.out()).toMatch(/^ {2}wipe \[options\] \[task-id\.\.\.\] +Free waiting tasks/m);
  });
});

describe('a noun\'s help without loading its verbs', () => {
  const helpOf = async (argv: string[], noun: string) => {
    const { program } = await buildProgram(io(), ['node', 'stateful-ops', ...argv]);
    return (program.commands.find((c) => c.name() === noun) as NonNullable<(typeof program.commands)[number]>).helpInformation();
  };

  it.each(nounEntries().map((e) => e.name))('`%s --help` prints what the loaded definitions would', async (noun) => {
    // `<noun> --help` takes the verb lines; `<noun> nosuch` loads every verb (to suggest one).
    expect(await helpOf([noun, '--help'], noun)).toBe(await helpOf([noun, 'nosuch'], noun));
  });

  it('each verb line names a verb the noun has, in its order', async () => {
    for (const entry of nounEntries()) {
      const defined = (await entry.verbs()).map((define) => define(createFactory(io())));
      expect(entry.verbLines.map((v) => [v.name, v.term, v.description])).toEqual(
        defined.map((cmd) => [cmd.name(), new Help().subcommandTerm(cmd), cmd.description()]),
      );
    }
  });
});
