import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, mockArgs, runCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';

describe('habits of dcos, kubectl and gh (built CLI)', () => {
  it('a mistyped verb or noun: unknown command, did you mean, exit 2', async () => {
    const verb = await runCli(['tasks', 'lst']);
    expect(verb.code).toBe(ExitCode.USAGE);
    expect(verb.stderr).toBe("Error: unknown command 'lst' for 'stateful-ops tasks'\n(Did you mean 'list'?)\n");
    const noun = await runCli(['volums', 'list']);
    expect(noun.code).toBe(ExitCode.USAGE);
    expect(noun.stderr).toContain("(Did you mean 'volumes'?)");
    const nested = await runCli(['agent', 'maintenance', 'stat']);
    expect(nested.stderr).toContain("unknown command 'stat' for 'stateful-ops agent maintenance'\n(Did you mean 'status'?)");
    const nothing = await runCli(['tasks', 'frobnicate']);
    expect(nothing.code).toBe(ExitCode.USAGE);
    expect(nothing.stderr).toBe("Error: unknown command 'frobnicate' for 'stateful-ops tasks'\n");
  });

  it('help, help <noun>, help <noun> <verb> print the help and exit 0; help <unknown> is a usage error', async () => {
    const top = await runCli(['help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: stateful-ops \[options\] \[command\]/);
    const noun = await runCli(['help', 'tasks']);
    expect(noun.code).toBe(0);
    expect(noun.stdout).toMatch(/^Usage: stateful-ops tasks /);
    const verb = await runCli(['help', 'tasks', 'list']);
    expect(verb.code).toBe(0);
    expect(verb.stdout).toBe((await runCli(['tasks', 'list', '--help'])).stdout);
    const unknown = await runCli(['help', 'nosuch']);
    expect(unknown.code).toBe(ExitCode.USAGE);
    expect(unknown.stderr).toContain("unknown command 'nosuch'");
  });

  describe('against the mock', () => {
    let mock: { dir: string; cleanup: () => void };
    const cli = (args: string[], input?: string) => runCli([...mockArgs(mock.dir), ...args], input === undefined ? {} : { input });
    beforeAll(async () => {
      mock = tempDir();
      expect((await cli(['mock', 'reset'])).code).toBe(0);
    });
    afterAll(() => mock.cleanup());

    it('SSH flags and --concurrency work before the command as well as after it', async () => {
      for (const args of [
        ['--concurrency', '0', 'agent', 'recovery-config'],
        ['agent', 'recovery-config', '--concurrency', '0'],
        ['--ssh-port', 'x', 'volumes', 'list', '--disk-usage'],
      ]) {
        const r = await cli(args);
        expect(r.code, args.join(' ')).toBe(ExitCode.USAGE);
        expect(r.stderr).toMatch(/^Error: --(concurrency|ssh-port) must be a positive whole number/m);
      }
      const ok = await cli(['--sudo', '--ssh-user', 'core', '--concurrency', '2', 'agent', 'recovery-config', '--agent', '127.0.0.168']);
      expect(ok.stderr).not.toMatch(/unknown option/);
      expect(ok.stdout).toMatch(/127\.0\.0\.168/);
    });

    it('tasks list -q pipes into wipe -: the plan holds exactly those tasks; without --yes and a terminal it is refused', async () => {
      const ids = await cli(['tasks', 'list', '--app', '/postgres', '-q']);
      expect(ids.stdout.trim().split('\n')).toContain(WAITING);
      const waitingOnly = `${WAITING}\n`;
      const dry = await cli(['wipe', '--dry-run', '-'], waitingOnly);
      expect(dry.code, dry.stderr).toBe(ExitCode.OK);
      expect(dry.stdout).toMatch(/^Plan: 1 task to wipe$/m);
      expect(dry.stdout).toMatch(/^TOTAL   1 volume, \d+(\.\d)? (B|KiB) in \d+ entries to delete$/m);
      expect(dry.stdout).toContain(`TASK    ${WAITING}`);
      expect(dry.stderr).not.toMatch(/wiped, /); // a dry run is no run: no summary line
      const refused = await cli(['wipe', '-'], waitingOnly);
      expect(refused.code).toBe(ExitCode.REFUSED);
      expect(refused.stderr).toMatch(/no terminal to ask on/);
      const empty = await cli(['wipe', '--yes', '-'], '\n# nothing\n');
      expect(empty.code).toBe(ExitCode.USAGE);
      expect(empty.stderr).toMatch(/stdin holds no task ids/);
    });

    it('a wipe ends with one summary line on stderr; no progress line without a terminal', async () => {
      const r = await cli(['wipe', '--yes', WAITING]);
      expect(r.code, r.stderr).toBe(ExitCode.OK);
      expect(r.stderr).toMatch(/^1 wiped, \d+(\.\d)? (B|KiB) freed, 0 refused, 0 failed, journal \/\S+\.jsonl$/m);
      expect(r.stderr).not.toContain('wiping: ');
    });
  });

  describe('shell completion', () => {
    let dir: { dir: string; cleanup: () => void };
    beforeAll(() => {
      dir = tempDir();
      // `stateful-ops` on PATH, as after npm link.
      writeFileSync(join(dir.dir, 'stateful-ops'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`, { mode: 0o755 });
    });
    afterAll(() => dir.cleanup());
    const env = () => ({ ...process.env, PATH: `${dir.dir}:${process.env.PATH ?? ''}`, NO_COLOR: '1' });

    it('bash: sourced, it registers the completion and completes nouns, verbs and flags', () => {
      const out = execFileSync(
        'bash',
        [
          '-c',
          `source <(stateful-ops completion bash); complete -p stateful-ops
COMP_WORDS=(stateful-ops tasks l); COMP_CWORD=2; __stateful_ops; echo "verbs: \${COMPREPLY[*]}"
COMP_WORDS=(stateful-ops --mock vol); COMP_CWORD=2; __stateful_ops; echo "nouns: \${COMPREPLY[*]}"
COMP_WORDS=(stateful-ops agent maintenance down --dr); COMP_CWORD=4; __stateful_ops; echo "flags: \${COMPREPLY[*]}"
COMP_WORDS=(stateful-ops wipe --ssh-u); COMP_CWORD=2; __stateful_ops; echo "ssh: \${COMPREPLY[*]}"`,
        ],
        { env: env(), encoding: 'utf8' },
      );
      expect(out).toContain('complete -o default -F __stateful_ops stateful-ops');
      expect(out).toContain('verbs: list\n');
      expect(out).toContain('nouns: volumes\n');
      expect(out).toContain('flags: --dry-run\n');
      expect(out).toContain('ssh: --ssh-user\n');
    });

    for (const shell of ['zsh', 'fish'] as const) {
      const found = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
      it.skipIf(!found)(`${shell}: the script passes ${shell} -n${found ? '' : ` (skipped: ${shell} is not installed)`}`, () => {
        const script = execFileSync('stateful-ops', ['completion', shell], { env: env(), encoding: 'utf8' });
        const file = join(dir.dir, `completion.${shell}`);
        writeFileSync(file, script);
        expect(spawnSync(shell, ['-n', file], { encoding: 'utf8' }).status).toBe(0);
      });
    }

    it('an unknown shell is a usage error', async () => {
      const r = await runCli(['completion', 'tcsh']);
      expect(r.code).toBe(ExitCode.USAGE);
      expect(r.stderr).toMatch(/Allowed choices are bash, zsh, fish/);
    });
  });
});
