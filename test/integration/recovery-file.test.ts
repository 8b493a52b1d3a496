import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';
import { resetMock } from '../../src/mock/scenario.js';
import type { RecoveryReport } from '../../src/domain/recovery/report.js';

const S4_ROOT = 'agents/d935ca7e-e29d-4503-94e7-25fe9f16847c-S4/root';

/** `--file` needs no cluster: these runs get no --mock, no URL and an empty HOME. */
describe('agent recovery-config --file (offline, for config-management CI)', () => {
  const { dir, cleanup } = tempDir();
  const files = join(dir, 'files');
  const check = (args: string[]) => runCli(['agent', 'recovery-config', ...args]);
  beforeAll(() => {
    resetMock({ stateDir: join(dir, 'mock'), scenario: 'default', flavour: '1.10', requireAuth: false });
    mkdirSync(files);
    writeFileSync(join(files, 'good'), '# managed by ansible\nMESOS_RECOVERY_TIMEOUT=24hrs\nMESOS_RECONFIGURATION_POLICY=additive\n');
    writeFileSync(join(files, 'bad'), 'MESOS_RECOVER=cleanup\nMESOS_STRICT="False"\n');
    writeFileSync(join(files, 'unit.service'), '[Service]\nKillMode=control-cgroup\n');
  });
  afterAll(cleanup);

  it('a clean EnvironmentFile passes; its values are reported with file:line', async () => {
    const r = await check(['--json', '--file', join(files, 'good')]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const report = JSON.parse(r.stdout) as RecoveryReport;
    expect(report.cluster).toBeNull();
    expect(report.agents[0]).toMatchObject({ path: join(files, 'good'), agent: null, verdict: 'ok', unit: null, drift: null });
    expect(report.agents[0]?.settings?.recovery_timeout).toMatchObject({ value: '24hrs', location: `${join(files, 'good')}:2` });
    expect(report.agents[0]?.settings?.strict).toMatchObject({ value: 'true', origin: 'Mesos default' });
  });

  it('a bad file fails the check with each finding at its line', async () => {
    const r = await check(['--file', join(files, 'bad'), join(files, 'good')]);
    expect(r.code).toBe(ExitCode.CHECK_FAILED);
    expect(r.stdout).toMatch(new RegExp(`^error {4}recover-cleanup {2}${join(files, 'bad')} {2}${join(files, 'bad')}:1$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^error {4}invalid-value {2}.*bad:2$`, 'm'));
    expect(r.stdout).toMatch(/'False' is not a Mesos boolean/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('2 paths: 1 ok, 0 warning, 1 error, 0 unreachable');
  });

  it('a directory laid out like an agent is checked like the agent: unit, drop-ins, EnvironmentFiles', async () => {
    const root = join(dir, 'mock', S4_ROOT);
    const r = await check(['--json', '--file', root]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const [agent] = (JSON.parse(r.stdout) as RecoveryReport).agents;
    expect(agent?.findings.map((f) => `${f.severity}:${f.rule}`).sort()).toEqual(['warning:killmode', 'warning:recovery-timeout-short']);
    expect(agent?.unit?.path).toBe('/etc/systemd/system/dcos-mesos-slave-public.service');
    expect(agent?.settings?.reconfiguration_policy).toMatchObject({ value: 'additive', default: 'dcos' });
    expect((await check(['--file', root, '--fail-on', 'warning'])).code).toBe(ExitCode.CHECK_FAILED);
  });

  it('--systemd picks the rules that read the copies, and the output says which; the newest by default', async () => {
    const text = '# was 15mins, raised \\\nMESOS_RECOVERY_TIMEOUT=1hrs\nMESOS_WORK_DIR="/var/lib/mesos\\slave"\n';
    writeFileSync(join(files, 'continued'), text);
    const newest = await check(['--json', '--file', join(files, 'continued')]);
    const [current] = (JSON.parse(newest.stdout) as RecoveryReport).agents;
    expect(current?.systemd).toEqual({ version: 257, rules: '254', source: 'default' });
    expect(current?.settings?.recovery_timeout.value).toBe('1hrs');
    const old = await check(['--json', '--systemd', '219', '--file', join(files, 'continued')]);
    const [centos] = (JSON.parse(old.stdout) as RecoveryReport).agents;
    expect(centos?.systemd).toEqual({ version: 219, rules: '219', source: 'option' });
    // systemd 219 reads the line after the comment as part of it: the Mesos default applies.
    expect(centos?.settings?.recovery_timeout).toMatchObject({ value: '15mins', origin: 'Mesos default' });
    const text219 = await check(['--systemd', '219', '--file', join(files, 'continued')]);
    expect(text219.stdout).toContain('Read with systemd 219, from --systemd');
    expect((await check(['--file', join(files, 'continued')])).stdout).toContain('Read with systemd 257 (rules of 254), assumed: the newest modelled (pass --systemd <version>)');
    const bad = await check(['--systemd', 'seven', '--file', join(files, 'continued')]);
    expect(bad.code).toBe(ExitCode.USAGE);
    expect(bad.stderr).toMatch(/--systemd seven: expected a systemd version number/);
  });

  it('a DC/OS 1.11 copy without its unit: the 8 EnvironmentFiles of that release are assumed', async () => {
    const root = join(dir, 'dcos111');
    mkdirSync(join(root, 'dcos-metadata'), { recursive: true });
    mkdirSync(join(root, 'etc/mesosphere/mesos'), { recursive: true });
    writeFileSync(join(root, 'dcos-metadata/dcos-version.json'), '{"version": "1.11.12"}\n');
    // 1.11 units never read agent.env: what it sets does not reach the agent.
    writeFileSync(join(root, 'etc/mesosphere/mesos/agent.env'), 'MESOS_RECOVERY_TIMEOUT=2hrs\n');
    const r = await check(['--json', '--file', root]);
    const [agent] = (JSON.parse(r.stdout) as RecoveryReport).agents;
    expect(agent?.dcosVersion).toBe('1.11.12');
    expect(agent?.settings?.recovery_timeout).toMatchObject({ value: '15mins', origin: 'Mesos default' });
  });

  it('refuses a unit file, a missing path, and --agent together with --file', async () => {
    const unit = await check(['--file', join(files, 'unit.service')]);
    expect(unit.code).toBe(ExitCode.USAGE);
    expect(unit.stderr).toMatch(/is a systemd unit, not an EnvironmentFile/);
    const missing = await check(['--file', join(files, 'nope')]);
    expect(missing.code).toBe(ExitCode.USAGE);
    expect(missing.stderr).toMatch(/no such file or directory/);
    expect((await check(['--file', join(files, 'good'), '--agent', '127.0.0.167'])).code).toBe(ExitCode.USAGE);
  });
});
