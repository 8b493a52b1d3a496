import { describe, expect, it } from 'vitest';
import { dcosAgentEnvironmentFiles, mesosFlagsOf, parseUnit, splitCommandLine } from '../../../../src/domain/recovery/unit-file.js';
import { itWithReference, readReference } from '../../../helpers/reference.js';

const upstream = (name: string) => readReference(`mesos-dcos/upstream/${name}`);
const UNIT = '/etc/systemd/system/dcos-mesos-slave.service';
const DROP_IN = `${UNIT}.d/override.conf`;

describe('systemd unit parsing', () => {
  itWithReference("reads DC/OS's agent unit: nine EnvironmentFiles in order, KillMode and RestartSec with their lines", () => {
    const unit = parseUnit([{ path: UNIT, text: upstream('dcos-mesos-slave.service') }]);
    expect(unit.environmentFiles.map((f) => [f.path, f.optional, f.line])).toEqual([
      ['/opt/mesosphere/environment', false, 13],
      ['/opt/mesosphere/etc/mesos-slave-common', false, 14],
      ['/opt/mesosphere/etc/mesos-slave', false, 15],
      ['/opt/mesosphere/etc/proxy.env', false, 16],
      ['/opt/mesosphere/etc/mesos-slave-common-extras', true, 17],
      ['/var/lib/dcos/mesos-slave-common', true, 18],
      ['/var/lib/dcos/mesos-resources', true, 19],
      ['/run/dcos/etc/mesos-slave', true, 20],
      ['/etc/mesosphere/mesos/agent.env', true, 21],
    ]);
    expect(unit.environmentFiles.map(({ path, optional }) => ({ path, optional }))).toEqual(dcosAgentEnvironmentFiles(false));
    expect(unit.killMode).toEqual({ value: 'control-group', file: UNIT, line: 8 });
    expect(unit.restartSec).toEqual({ value: '5', file: UNIT, line: 7 });
    expect(unit.execStart?.value).toBe('$PKG_PATH/bin/start_mesos.sh $PKG_PATH/bin/mesos-agent');
    const pub = parseUnit([{ path: UNIT, text: upstream('dcos-mesos-slave-public.service') }]);
    expect(pub.environmentFiles.map(({ path, optional }) => ({ path, optional }))).toEqual(dcosAgentEnvironmentFiles(true));
  });

  itWithReference('drop-ins override later; an empty assignment resets; continuation lines join (comments inside skipped)', () => {
    const dropIn = [
      '[Unit]',
      'KillMode=process',
      '[Service]',
      'KillMode=control-cgroup',
      'RestartSec=6min',
      'EnvironmentFile=',
      'EnvironmentFile=-/etc/agent.env',
      'ExecStart=',
      'ExecStart=/usr/bin/mesos-agent \\',
      '# a comment in the middle',
      '    --strict=false \\',
      '    --no-strict',
    ].join('\n');
    const unit = parseUnit([
      { path: UNIT, text: upstream('dcos-mesos-slave.service') },
      { path: DROP_IN, text: dropIn },
    ]);
    expect(unit.killMode).toEqual({ value: 'control-cgroup', file: DROP_IN, line: 4 });
    expect(unit.restartSec).toEqual({ value: '6min', file: DROP_IN, line: 5 });
    expect(unit.environmentFiles).toEqual([{ path: '/etc/agent.env', optional: true, file: DROP_IN, line: 7 }]);
    expect(unit.execStart).toMatchObject({ file: DROP_IN, line: 9 });
    expect(mesosFlagsOf(splitCommandLine(unit.execStart?.value ?? ''))).toEqual([
      { name: 'strict', value: 'false' },
      { name: 'strict', value: 'false' },
    ]);
  });

  it('splits command lines like systemd and reads flags like the agent', () => {
    expect(splitCommandLine(`/bin/agent --a="x y" '--b=it''s' --c=\\"q\\"`)).toEqual(['/bin/agent', '--a=x y', '--b=its', '--c="q"']);
    expect(mesosFlagsOf(['agent', '--strict', '--no-strict', '--recover=cleanup', 'positional', '--', '--recovery_timeout=1secs'])).toEqual([
      { name: 'strict', value: 'true' },
      { name: 'strict', value: 'false' },
      { name: 'recover', value: 'cleanup' },
    ]);
  });
});
