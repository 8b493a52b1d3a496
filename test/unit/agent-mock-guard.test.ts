import { describe, expect, it } from 'vitest';
import { shCommand } from '../../src/agent/quote.js';
import { scriptArgv, scripts } from '../../src/agent/remote-scripts.js';
import { checkCommandPaths, shellWords } from '../../src/mock/ssh/guard.js';

const root = '/tmp/mock/agents/S1/root';

describe('mock agent path guard', () => {
  it('splits words like sh: quotes removed, escapes honoured, operators and comments dropped', () => {
    expect(shellWords(`cat -- '/a b' "c\\"d" e\\ f;ls>out # comment /etc`)).toEqual(['cat', '--', '/a b', 'c"d', 'e f', 'ls', 'out']);
    expect(shellWords(`echo 'unbalanced`)).toBeNull();
  });

  it('lets every operation script through when its paths are inside the sandbox', () => {
    const path = `${root}/var/lib/mesos/slave/volumes/roles/slave_public/a b*$'"#-x`;
    for (const script of Object.values(scripts)) {
      expect(checkCommandPaths(shCommand(scriptArgv(script, [path, `${root}/var`])), root)).toBeNull();
    }
  });

  it('refuses any absolute path outside the sandbox, however it is spelled', () => {
    const refused = [
      'cat /etc/passwd',
      `cat ${root}/../../S2/root/x`,
      `find /var/lib/mesos -delete`,
      `tar -C /tmp/mock -cf - .`,
      `dd if=/etc/shadow`,
      `du --files0-from=/etc/x`,
      `cat <${root}/x >/tmp/out`,
      `sh -c 'rm -rf /var/lib/mesos/slave'`,
      `${root}x/evil`,
    ];
    for (const command of refused) expect(checkCommandPaths(command, root), command).toMatch(/outside the agent's sandbox/);
    expect(checkCommandPaths(`echo 'a`, root)).toMatch(/unbalanced/);
  });

  it('allows relative paths, the sandbox root itself and harmless system paths', () => {
    expect(checkCommandPaths(`ls -la . && cat ${root} ${root}/ 2>/dev/null; /bin/sh -c 'true'`, root)).toBeNull();
  });
});
