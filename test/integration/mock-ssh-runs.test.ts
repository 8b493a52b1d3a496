import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAgentSshSettings } from '../../src/agent/settings.js';
import { AgentShell } from '../../src/agent/ssh.js';
import { mockSshPaths } from '../../src/mock/ssh/files.js';
import { startMockSshServer, type MockSshServerHandle } from '../../src/mock/ssh/server.js';

const stateDir = mkdtempSync(join(tmpdir(), 'so-mock-ssh-runs-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const shellFor = (server: MockSshServerHandle) =>
  new AgentShell(resolveAgentSshSettings({ flags: { sshConfigFile: server.configPath, multiplex: false }, stdinIsTTY: false }), {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: stateDir,
  });

describe('two runs of the mock SSH agents on one state directory', () => {
  it('agree on the keys, each writes its own ssh_config / known_hosts, and one closing leaves the other working', async () => {
    const root = join(stateDir, 'agents', 'S1', 'root');
    mkdirSync(root, { recursive: true });
    const agents = [{ id: 'S1', hostname: 'agent-1', root }];
    // Started at the same moment on a fresh directory: both generate keys, one wins, both use the winner's.
    const [a, b] = await Promise.all([startMockSshServer({ stateDir, agents }), startMockSshServer({ stateDir, agents })]);
    expect(a.configPath).not.toBe(b.configPath);
    expect(dirname(a.configPath)).toMatch(new RegExp(`^${mockSshPaths(stateDir).dir}/run-${process.pid}-`));
    expect(readFileSync(a.configPath, 'utf8')).toContain(`Port ${a.agents[0]?.port}`);
    expect(readFileSync(b.configPath, 'utf8')).toContain(`Port ${b.agents[0]?.port}`);
    expect(readFileSync(a.knownHostsPath, 'utf8')).toBe(readFileSync(b.knownHostsPath, 'utf8'));

    const [shellA, shellB] = [shellFor(a), shellFor(b)];
    const target = { id: 'S1', host: 'agent-1' };
    expect((await shellA.runOk(target, ['echo', 'a'])).stdout.toString()).toBe('a\n');
    expect((await shellB.runOk(target, ['echo', 'b'])).stdout.toString()).toBe('b\n');

    await a.close();
    expect(existsSync(dirname(a.configPath))).toBe(false);
    expect((await shellB.runOk(target, ['echo', 'still'])).stdout.toString()).toBe('still\n');
    await b.close();
    expect(readdirSync(mockSshPaths(stateDir).dir).sort()).toEqual(['host_key', 'host_key.pub', 'id_ed25519', 'id_ed25519.pub']);
    await Promise.all([shellA.close(), shellB.close()]);
  }, 30_000);
});
