import { describe, expect, it } from 'vitest';
import { parseEnvironmentFile } from '../../../../src/domain/recovery/env-file.js';
import { dropInDirs, orderDropIns, parseSystemctlVersion, systemdRules } from '../../../../src/domain/recovery/systemd-version.js';
import { dcosAgentEnvironmentFiles, dcosVersionOf, parseUnit } from '../../../../src/domain/recovery/unit-file.js';

/** Built from the parsers of systemd 219 (RHEL 7), 239 (RHEL 8) and current systemd (env-file.c). */
const values = (text: string, version: number) => Object.fromEntries(parseEnvironmentFile(text, systemdRules(version)).assignments.map((a) => [a.key, a.value]));

describe('EnvironmentFile= as each systemd reads it', () => {
  it('backslashes inside quotes: dropped before 241, shell-like after', () => {
    const text = 'A="a\\nb"\nB=\'it\\\'s\'\nC="x\\yz"\nD="q\\"uote"\n';
    expect(values(text, 219)).toEqual({ A: 'anb', B: "it's", C: 'xyz', D: 'q"uote' });
    expect(values(text, 239)).toEqual({ A: 'anb', B: "it's", C: 'xyz', D: 'q"uote' });
    // 254: '…' is literal (so B ends at the second quote and the rest is appended), "…" keeps unknown escapes.
    expect(values('A="a\\nb"\nC="x\\yz"\nD="q\\"uote"\nB=\'a\\b\'\n', 254)).toEqual({ A: 'a\\nb', C: 'x\\yz', D: 'q"uote', B: 'a\\b' });
  });

  it('values holding control characters are dropped whole: 219 all but tab, 239 all but tab and newline', () => {
    const text = 'TAB="a\tb"\nNL="line1\nline2"\nBELL="x\u0007"\n';
    expect(Object.keys(values(text, 219))).toEqual(['TAB']);
    expect(Object.keys(values(text, 239))).toEqual(['TAB', 'NL']);
    expect(Object.keys(values(text, 254))).toEqual(['TAB', 'NL', 'BELL']);
    const ignored = parseEnvironmentFile(text, systemdRules(219)).ignored;
    expect(ignored.map((i) => [i.key, i.reason])).toEqual([
      ['NL', 'the value holds a newline: systemd 219 drops the assignment'],
      ['BELL', 'the value holds control character 0x07: systemd 219 drops the assignment'],
    ]);
  });

  it('a line after a comment ending in a backslash: swallowed before 254, read from 254', () => {
    const text = '# old value \\\nMESOS_RECOVERY_TIMEOUT=1hrs\nMESOS_STRICT=false\n';
    expect(values(text, 219)).toEqual({ MESOS_STRICT: 'false' });
    expect(values(text, 252)).toEqual({ MESOS_STRICT: 'false' });
    expect(parseEnvironmentFile(text, systemdRules(252)).swallowed).toEqual([{ line: 2, text: 'MESOS_RECOVERY_TIMEOUT=1hrs' }]);
    expect(values(text, 254)).toEqual({ MESOS_RECOVERY_TIMEOUT: '1hrs', MESOS_STRICT: 'false' });
  });
});

describe('units and drop-ins per systemd version', () => {
  it('reads the version from systemctl --version', () => {
    expect(parseSystemctlVersion('systemd 219')).toBe(219);
    expect(parseSystemctlVersion('systemd 252 (252.38-1~deb12u1)')).toBe(252);
    expect(parseSystemctlVersion('bash: systemctl: command not found')).toBeUndefined();
    expect(systemdRules(246).model).toBe('239');
  });

  it('drop-in directories: 219 only <unit>.d in /etc, /run, /usr/lib; 239+ also prefix and service.d, in order', () => {
    expect(dropInDirs('dcos-mesos-slave.service', systemdRules(219))).toEqual([
      '/etc/systemd/system/dcos-mesos-slave.service.d',
      '/run/systemd/system/dcos-mesos-slave.service.d',
      '/usr/local/lib/systemd/system/dcos-mesos-slave.service.d',
      '/usr/lib/systemd/system/dcos-mesos-slave.service.d',
    ]);
    const dirs = dropInDirs('dcos-mesos-slave.service', systemdRules(252));
    const etc = dirs.filter((d) => d.startsWith('/etc/systemd/system/'));
    expect(etc).toEqual([
      '/etc/systemd/system/dcos-mesos-slave.service.d',
      '/etc/systemd/system/dcos-mesos-.service.d',
      '/etc/systemd/system/dcos-.service.d',
      '/etc/systemd/system/service.d',
    ]);
    expect(dirs.indexOf('/run/systemd/system/dcos-mesos-slave.service.d')).toBeGreaterThan(dirs.indexOf('/etc/systemd/system/dcos-.service.d'));
    expect(dirs[dirs.length - 1]).toBe('/usr/lib/systemd/system/service.d');
  });

  it('drop-ins apply in file-name order; a name in /etc masks the same name in /run and /usr/lib', () => {
    expect(
      orderDropIns([
        { dir: '/etc/systemd/system/u.service.d', names: ['50-b.conf', 'README'] },
        { dir: '/run/systemd/system/u.service.d', names: ['50-b.conf', '10-a.conf'] },
        { dir: '/usr/lib/systemd/system/service.d', names: ['99-z.conf'] },
      ]),
    ).toEqual(['/run/systemd/system/u.service.d/10-a.conf', '/etc/systemd/system/u.service.d/50-b.conf', '/usr/lib/systemd/system/service.d/99-z.conf']);
  });

  it('an invalid KillMode= keeps the earlier valid one; empty RestartSec= resets before 252 and is refused from 252', () => {
    const unit = { path: '/u', text: '[Service]\nKillMode=mixed\nRestartSec=20\n' };
    const dropIn = { path: '/d.conf', text: '[Service]\nKillMode=control-cgroup\nRestartSec=\nEnvironment=bad-name=1 GOOD=2\n' };
    const old = parseUnit([unit, dropIn], systemdRules(219));
    expect(old.killMode?.value).toBe('control-cgroup');
    expect(old.killModeEffective).toMatchObject({ value: 'mixed', file: '/u', line: 2 });
    expect(old.restartSec).toBeNull();
    expect(old.environment.map((e) => e.value.key)).toEqual(['GOOD']);
    expect(old.problems.map((p) => p.value)).toEqual([
      'KillMode=control-cgroup is invalid: systemd ignores it and keeps mixed',
      "Environment= 'bad-name=1': 'bad-name' is not a valid variable name, systemd ignores it",
    ]);
    const current = parseUnit([unit, dropIn], systemdRules(252));
    expect(current.restartSec).toMatchObject({ value: '20', file: '/u' });
    expect(current.problems.map((p) => p.value)).toContain('RestartSec= (empty) is refused by systemd 252: the earlier value stays');
  });

  it('the unit EnvironmentFile list by DC/OS version: 8 files before 1.12, 9 from 1.12', () => {
    expect(dcosVersionOf('{"version": "1.11.4", "dcos-image-commit": "x"}')).toBe('1.11.4');
    expect(dcosVersionOf('not json')).toBeNull();
    expect(dcosAgentEnvironmentFiles(false, '1.10.5')).toHaveLength(8);
    expect(dcosAgentEnvironmentFiles(true, '1.11.0')).toHaveLength(8);
    expect(dcosAgentEnvironmentFiles(false, '1.12.0')).toHaveLength(9);
    expect(dcosAgentEnvironmentFiles(true, '2.2.5').at(-1)?.path).toBe('/etc/mesosphere/mesos/agent-public.env');
  });
});
