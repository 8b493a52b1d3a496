import { describe, expect, it } from 'vitest';
import { shCommand } from '../../../../src/agent/quote.js';
import { scriptArgv, scripts } from '../../../../src/agent/remote-scripts.js';
import { mapMessageBack, parseAgentCommand, shellWords } from '../../../../src/mock/ssh/command.js';

const ROOT = '/tmp/mock/agents/S1/root';

describe('mock agent command parsing', () => {
  it('splits words like sh: quotes removed, escapes honoured, operators and comments dropped', () => {
    expect(shellWords(`cat -- '/a b' "c\\"d" e\\ f;ls>out # comment /etc`)).toEqual(['cat', '--', '/a b', 'c"d', 'e f', 'ls', 'out']);
    expect(shellWords(`echo 'unbalanced`)).toBeNull();
  });

  it('maps every absolute-path argument of every operation script to the same path under the sandbox', () => {
    const path = `/var/lib/mesos/slave/volumes/roles/slave_public/a b*$'"#-x`;
    for (const script of Object.values(scripts)) {
      for (const sudo of [false, true]) {
        const parsed = parseAgentCommand(shCommand(scriptArgv(script, [path, '/var', '/', '/proc', 'plain'], { sudo })), ROOT);
        expect(parsed).toEqual({
          ok: true,
          asRoot: sudo,
          argv: ['sh', '-c', script, 'sh', `${ROOT}${path}`, `${ROOT}/var`, ROOT, `${ROOT}/proc`, 'plain'],
          mapped: [[`${ROOT}${path}`, path], [`${ROOT}/proc`, '/proc'], [`${ROOT}/var`, '/var'], [`${ROOT}/`, '/'], [`${ROOT}/`, '/']],
        });
      }
    }
  });

  it('refuses absolute paths it cannot map, however they are spelled', () => {
    const refused = [
      'cat /etc/passwd',
      `find /var/lib/mesos -delete`,
      `dd if=/etc/shadow`,
      `du --files0-from=/etc/x`,
      `cat </x >/tmp/out`,
      `sh -c 'rm -rf /var/lib/mesos/slave'`,
      `sh -c 'cat /etc/passwd' sh`,
      `sh -c 'cat "$1"' sh /var/../../etc/passwd`,
      `sudo -n cat /etc/shadow`,
      `sudo -n true`,
    ];
    for (const command of refused) expect(parseAgentCommand(command, ROOT), command).toMatchObject({ ok: false });
    expect(parseAgentCommand(`echo 'a`, ROOT)).toEqual({ ok: false, reason: 'the command line has unbalanced quotes' });
  });

  it('runs plain commands without paths as they are, and names agent paths in messages', () => {
    expect(parseAgentCommand('true', ROOT)).toEqual({ ok: true, asRoot: false, argv: ['sh', '-c', 'true'], mapped: [] });
    expect(parseAgentCommand(`echo hi 2>/dev/null`, ROOT)).toMatchObject({ ok: true });
    expect(mapMessageBack(`find: '${ROOT}/var/lib/x/y': Permission denied`, [[`${ROOT}/var/lib/x`, '/var/lib/x']])).toBe(
      "find: '/var/lib/x/y': Permission denied",
    );
  });
});
