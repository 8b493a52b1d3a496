import { parseMarathonVersion, type MarathonVersion } from '../../src/domain/app-check/version.js';

/** A version `apps check` understands; a test with an unparsable one is itself wrong. */
export function marathonVersion(text: string): MarathonVersion {
  const parsed = parseMarathonVersion(text);
  if (!parsed) throw new Error(`bad version ${text}`);
  return parsed;
}

/** A resident app with one persistent volume and the upgradeStrategy Marathon requires of it: no findings. */
export const residentApp = (extra: Record<string, unknown> = {}) => ({
  id: '/db/pg',
  cpus: 0.5,
  mem: 256,
  container: { type: 'DOCKER', volumes: [{ containerPath: 'pgdata', mode: 'RW', persistent: { size: 512 } }] },
  upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
  ...extra,
});
