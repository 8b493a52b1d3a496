import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/cluster/connect.js';
import { mockClusterConfig } from '../../src/config/resolve.js';
import { CliError, ExitCode } from '../../src/core/errors.js';
import { startMockServer } from '../../src/mock/server.js';
import { captureLog } from '../helpers/http-test-server.js';
import { defaultMockDirs } from '../helpers/mock-dirs.js';

// The Mesos client's maintenance calls against the mock master over real HTTP: shapes decoded, the
// master's 400 reason quoted in one line, POSTs never retried.
const newMockDir = defaultMockDirs();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client() {
  const server = await startMockServer({ stateDir: newMockDir(), log: () => undefined });
  cleanups.push(() => server.close());
  const c = await connect(mockClusterConfig(server.url, undefined, {}), captureLog().log);
  cleanups.push(() => c.close());
  return c.mesos;
}

const S0 = { hostname: '127.0.0.167', ip: '127.0.0.167' };

describe('Mesos maintenance client', () => {
  it('round-trips a schedule and reads the status in maintenance.proto JSON', async () => {
    const mesos = await client();
    expect(await mesos.maintenanceSchedule()).toEqual({});
    const schedule = { windows: [{ machine_ids: [S0], unavailability: { start: { nanoseconds: 1_893_456_000 * 1e9 }, duration: { nanoseconds: 3600e9 } } }] };
    await mesos.updateMaintenanceSchedule(schedule);
    expect(await mesos.maintenanceSchedule()).toEqual(schedule);
    expect(await mesos.maintenanceStatus()).toMatchObject({ draining_machines: [{ id: S0, statuses: [{ status: 'ACCEPT' }] }] });
    await mesos.machines('down', [S0]);
    expect(await mesos.maintenanceStatus()).toEqual({ down_machines: [S0] });
    await mesos.machines('up', [S0]);
    expect(await mesos.maintenanceStatus()).toEqual({});
  });

  it("a 400 is one line quoting the master's reason (exit 1)", async () => {
    const mesos = await client();
    const error = await mesos.machines('down', [S0]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.ERROR);
    expect((error as CliError).message).toBe(
      'Mesos master refused machine/down (400): Machine \'{"hostname":"127.0.0.167","ip":"127.0.0.167"}\' is not in DRAINING mode and cannot be brought down',
    );
    const schedule = await mesos.updateMaintenanceSchedule({ windows: [{ machine_ids: [], unavailability: { start: { nanoseconds: 0 } } }] }).catch((e: unknown) => e);
    expect((schedule as Error).message).toBe('Mesos master refused the maintenance schedule update (400): List of machines in the maintenance window is empty');
  });
});
