import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/errors.js';
import { classifySshOutcome, firstStderrLine, sshFailureError, type SshOutcome } from '../../../src/agent/ssh-errors.js';

const agent = { id: 'd935-S1', host: '127.0.0.7' };
const failed = (stderr: string, exitCode: number | null = 255): SshOutcome => ({ exitCode, signal: null, stderr });

// stderr as OpenSSH 9.2 prints it (captured against the mock agents).
const hostKeyChanged = [
  '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
  '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
  '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
  'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
  'Host key for agent-key has changed and you have requested strict checking.',
  'Host key verification failed.',
].join('\r\n');

const cases: [string, SshOutcome, string, number, RegExp][] = [
  ['refused', failed('ssh: connect to host 127.0.0.1 port 43241: Connection refused\r\n'), 'cannot-connect', ExitCode.UNREACHABLE,
    /^agent d935-S1 \(127\.0\.0\.7\): cannot connect over SSH: connect to host 127\.0\.0\.1 port 43241: Connection refused$/],
  ['dropped', failed('kex_exchange_identification: read: Connection reset by peer\r\n'), 'cannot-connect', ExitCode.UNREACHABLE, /cannot connect over SSH: kex_exchange/],
  ['unresolvable', failed('ssh: Could not resolve hostname agent-9: Name or service not known\r\n'), 'cannot-connect', ExitCode.UNREACHABLE, /cannot connect/],
  ['no route', failed('ssh: connect to host 127.0.0.1 port 22: No route to host\r\n'), 'cannot-connect', ExitCode.UNREACHABLE, /No route to host/],
  ['banner timeout', failed('Connection timed out during banner exchange\r\n'), 'timeout', ExitCode.UNREACHABLE, /SSH connection timed out/],
  ['our timer', { exitCode: null, signal: 'SIGTERM', stderr: '', timedOutAfterMs: 1500 }, 'timeout', ExitCode.UNREACHABLE, /timed out after 1\.5s$/],
  ['host key changed', failed(hostKeyChanged), 'host-key', ExitCode.AUTH, /host key has CHANGED/],
  ['host key unknown', failed('No ED25519 host key is known for agent-3 and you have requested strict checking.\r\nHost key verification failed.\r\n'), 'host-key', ExitCode.AUTH, /host key verification failed/],
  ['auth', failed('centos@127.0.0.1: Permission denied (publickey).\r\n'), 'auth', ExitCode.AUTH, /SSH authentication denied: centos@127\.0\.0\.1: Permission denied \(publickey\)\.$/],
  ['bad option', failed('command-line line 0: Bad configuration option: nosuchoption\r\n'), 'ssh-config', ExitCode.USAGE, /ssh rejected its options/],
  ['other ssh failure', failed('mux_client_request_session: read from master failed: Broken pipe\r\nweird\r\n'), 'cannot-connect', ExitCode.UNREACHABLE, /Broken pipe/],
  ['unknown 255', failed('something odd\r\n'), 'ssh-failed', ExitCode.UNREACHABLE, /ssh failed: something odd$/],
  ['remote', failed('cat: /x: Permission denied\nmore\n', 1), 'remote-failed', ExitCode.ERROR, /^agent d935-S1 \(127\.0\.0\.7\): reading \/x failed \(exit 1\): cat: \/x: Permission denied$/],
];

describe('ssh failure classification', () => {
  for (const [name, outcome, klass, exitCode, message] of cases) {
    it(`${name} → ${klass}, exit ${exitCode}, one line naming the agent`, () => {
      expect(classifySshOutcome(outcome)).toBe(klass);
      const error = sshFailureError(agent, outcome, 'reading /x');
      expect(error.exitCode).toBe(exitCode);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
      if (klass !== 'ssh-config') expect(error.message).toContain('d935-S1');
    });
  }

  it('reports success as no failure, and any other exit code as the remote command’s', () => {
    expect(classifySshOutcome(failed('', 0))).toBeNull();
    expect(classifySshOutcome(failed('Permission denied (publickey)', 3))).toBe('remote-failed');
  });

  it('keeps stderr lines printable and short', () => {
    expect(firstStderrLine('\n\n  bad\x1b[31m thing \n')).toBe('bad?[31m thing');
    expect(firstStderrLine('x'.repeat(500))).toHaveLength(200);
  });
});
