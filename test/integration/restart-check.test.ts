import { describe, expect, it } from 'vitest';
import { mockArgs, runCli } from '../helpers/cli.js';
import { defaultMockDirs, S } from '../helpers/mock-dirs.js';
import { ExitCode } from '../../src/core/errors.js';
import type { RestartCheckReport } from '../../src/output/restart-check.js';

const newMockDir = defaultMockDirs();

function freshMock() {
  const dir = newMockDir();
  const cli = (args: string[]) => runCli([...mockArgs(dir), 'agent', 'restart-check', ...args]);
  const json = async (args: string[]) => {
    const r = await cli(['--json', ...args]);
    return { ...r, report: JSON.parse(r.stdout) as RestartCheckReport };
  };
  return { cli, json };
}

const verdicts = (r: RestartCheckReport) =>
  Object.fromEntries(r.agents.map((a) => [a.host, { agent: a.verdict, tasks: Object.fromEntries(a.tasks.map((t) => [t.task.split('.')[0], t.verdict])) }]));

describe.concurrent('agent restart-check against the mock (SSH to its agents for the recovery settings)', { timeout: 300_000 }, () => {
  it('process restart: the verdict of every default agent, each explained', async () => {
    const { code, report, stderr } = await freshMock().json(['127.0.0.167', '127.0.0.168', '127.0.0.170', '127.0.0.171', '127.0.0.172']);
    expect(code, stderr).toBe(ExitCode.CHECK_FAILED);
    expect(report.windowSeconds).toBe(300);
    expect(verdicts(report)).toEqual({
      // DC/OS defaults: Marathon's tasks reconnect; Jenkins does not checkpoint.
      '127.0.0.167': { agent: 'killed', tasks: { 'jenkins-agent-linux': 'killed', postgres: 'survives', web_nginx: 'survives' } },
      // recover=cleanup from an upgrade playbook.
      '127.0.0.168': { agent: 'killed', tasks: { backup_nightly: 'killed' } },
      // Only a waiting reservation: nothing running to lose.
      '127.0.0.170': { agent: 'nothing-running', tasks: {} },
      // RestartSec=6min exceeds the 300 s window: partition-aware Marathon's task waits as unreachable; Metronome's dies.
      '127.0.0.171': { agent: 'killed', tasks: { kafka_broker: 'at-risk', logrotate: 'killed' } },
      // The edited override file makes the agent refuse to start.
      '127.0.0.172': { agent: 'killed', tasks: { web_nginx: 'killed' } },
    });
    const task = (host: string, name: string) => report.agents.find((a) => a.host === host)?.tasks.find((t) => t.task.startsWith(name));
    expect(task('127.0.0.167', 'jenkins')?.reasons[0]).toContain('registered without checkpointing');
    expect(task('127.0.0.168', 'backup')?.reasons[0]).toContain('recover=cleanup (/etc/mesosphere/mesos/agent.env:3)');
    expect(task('127.0.0.168', 'backup')?.remedy).toContain('delete line 3');
    expect(task('127.0.0.171', 'kafka')?.reasons[0]).toContain("not within the master's window of 300s");
    expect(task('127.0.0.172', 'web_nginx')?.reasons[0]).toContain('will not start with its current files (/var/lib/dcos/mesos-slave-common:3)');
    expect(task('127.0.0.167', 'postgres')?.seenBy.sort()).toEqual(['agent', 'master']);
    expect(report.agents.find((a) => a.host === '127.0.0.171')?.downtimeSeconds).toBe(360);
  });

  it('--downtime beyond recovery_timeout kills what a short restart keeps; the table names it', async () => {
    const m = freshMock();
    const short = await m.json(['--downtime', '9mins', S(4)]);
    expect(short.report.agents[0]?.tasks.map((t) => t.verdict)).toEqual(['at-risk', 'killed']);
    const long = await m.cli(['--downtime', '10mins', S(4)]);
    expect(long.code).toBe(ExitCode.CHECK_FAILED);
    expect(long.stdout).toMatch(/killed\s+kafka_broker\.instance-\S+\s+\/kafka\/broker \(resident\)/);
    expect(long.stdout).toContain("down for 600s, not less than recovery_timeout 10mins (the running agent's value, which its executors use)");
  });

  it('--reboot names the stateful apps that lose their only instance and the data with no other copy', async () => {
    const { code, report, stdout } = await (async () => {
      const m = freshMock();
      const j = await m.json(['--reboot', '127.0.0.167', '127.0.0.171']);
      const t = await m.cli(['--reboot', '127.0.0.167', '127.0.0.171']);
      return { code: j.code, report: j.report, stdout: t.stdout };
    })();
    expect(code).toBe(ExitCode.CHECK_FAILED);
    expect(report.agents.every((a) => a.tasks.every((t) => t.verdict === 'killed'))).toBe(true);
    expect(report.statefulApps.map((a) => [a.app, a.healthyElsewhere, a.instancesElsewhere, a.losesLastInstance, a.onlyCopy])).toEqual([
      ['/kafka/broker', 0, 0, true, true],
      ['/postgres', 0, 2, true, false],
    ]);
    expect(report.summary).toMatchObject({ level: 'error', appsLosingLastInstance: 2 });
    expect(stdout).toMatch(/\/kafka\/broker\s+1 killed\s+0\s+0\s+LAST RUNNING INSTANCE, ONLY COPY OF ITS DATA/);
    expect(stdout).toContain('holds kafka_broker#data#7b1c1e52-0a4f-11ec-9a03-0242ac130003 — no other instance holds a volume of this app');
  });

  it('--reboot of agents whose stateful apps keep running (or hold only waiting instances) passes, even at --fail-on warning', async () => {
    const m = freshMock();
    expect((await m.cli(['--reboot', '127.0.0.172'])).code).toBe(ExitCode.OK);
    expect((await m.cli(['--reboot', '--fail-on', 'warning', '127.0.0.172'])).code).toBe(ExitCode.OK);
    expect((await m.cli(['--reboot', '--fail-on', 'warning', S(3)])).code).toBe(ExitCode.OK);
  });

  it('an agent the master no longer lists is unknown (exit 5); bad input is one line and exit 2', async () => {
    const m = freshMock();
    const lost = await m.json(['127.0.0.169']);
    expect(lost.code).toBe(ExitCode.PARTIAL);
    expect(lost.report.agents).toEqual([expect.objectContaining({ host: '127.0.0.169', verdict: 'unknown', tasks: [] })]);
    const bad = await m.cli(['--downtime', 'soon', S(0)]);
    expect(bad.code).toBe(ExitCode.USAGE);
    expect(bad.stderr.trim().split('\n')[0]).toBe("Error: --downtime: 'soon' is not a duration (e.g. 90s, 10min, 30mins, 2h)");
    expect((await m.cli(['--reboot', '--downtime', '5min', S(0)])).code).toBe(ExitCode.USAGE);
    expect((await m.cli([])).code).toBe(ExitCode.USAGE);
  });
});
