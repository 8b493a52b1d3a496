import { field, finding, show, type RuleFinding } from './findings.js';
import { atLeast, type MarathonVersion } from './version.js';

/**
 * Persistent volume definitions that Marathon refuses or that cannot work
 * (../shared/reference/marathon/README.md §e "persistent volume"; upstream persistent-volumes.md).
 */

const NAME_ONLY =
  'Use a single-level name such as "data"; for a Docker image that needs an absolute path, add a second volume ' +
  '{"containerPath": "/var/lib/mysql", "hostPath": "data", "mode": "RW"} (persistent-volumes.md).';

export function volumeRules(app: unknown, version: MarathonVersion): RuleFinding[] {
  const volumes = field(field(app, 'container'), 'volumes');
  if (!Array.isArray(volumes)) return [];
  const out: RuleFinding[] = [];
  const seen = new Map<string, number>();
  volumes.forEach((volume, i) => {
    const at = `/container/volumes/${i}`;
    const containerPath = field(volume, 'containerPath');
    if (typeof containerPath === 'string' && containerPath !== '') {
      const first = seen.get(containerPath);
      if (first !== undefined) {
        out.push(finding('volume-duplicate-container-path', 'error', `${at}/containerPath`, `containerPath ${show(containerPath)} is also used by volume ${first}: two volumes cannot be mounted at one path`, 'Give each volume its own containerPath.'));
      } else seen.set(containerPath, i);
    }
    const persistent = field(volume, 'persistent');
    if (persistent === undefined || persistent === null) return;
    out.push(...containerPathRules(containerPath, at, version));
    const mode = field(volume, 'mode');
    if (mode !== 'RW') {
      out.push(finding('volume-mode', 'error', `${at}/mode`, `a persistent volume must be mounted read-write: mode must be RW (got ${show(mode)})`, 'Set "mode": "RW".'));
    }
    out.push(...sizeRules(persistent, at, version));
  });
  return out;
}

function containerPathRules(containerPath: unknown, at: string, version: MarathonVersion): RuleFinding[] {
  const path = `${at}/containerPath`;
  if (typeof containerPath !== 'string' || containerPath === '') {
    return [finding('volume-container-path', 'error', path, `containerPath is ${containerPath === '' ? 'empty' : 'missing'}: it names the volume and its directory in the sandbox`, NAME_ONLY)];
  }
  if (containerPath === '.' || containerPath === '..') {
    return [finding('volume-container-path', 'error', path, `containerPath must not be "." or ".." (got ${show(containerPath)})`, NAME_ONLY)];
  }
  if (!containerPath.includes('/')) return [];
  if (atLeast(version, 4)) {
    return [finding('volume-container-path-slash', 'error', path, `value must not contain "/" (got ${show(containerPath)}): a persistent volume is a single-level directory relative to the sandbox`, NAME_ONLY)];
  }
  return [
    finding('volume-container-path-slash', 'warning', path, `containerPath ${show(containerPath)} contains "/": Marathon ${version.text} accepts it, 1.4 and later refuse it, so upgrading Marathon breaks this app`, NAME_ONLY),
  ];
}

function sizeRules(persistent: unknown, at: string, version: MarathonVersion): RuleFinding[] {
  const out: RuleFinding[] = [];
  const size = field(persistent, 'size');
  if (size === undefined) {
    out.push(finding('volume-size', 'error', `${at}/persistent/size`, 'persistent.size is missing: Mesos needs the size (MiB) to reserve the disk', 'Add "size" in MiB, e.g. "size": 1024.'));
  } else if (typeof size !== 'number' || !(size > 0)) {
    out.push(finding('volume-size', 'error', `${at}/persistent/size`, `persistent.size must be a positive number of MiB (got ${show(size)})`, 'Set "size" to the MiB the volume needs, e.g. "size": 1024.'));
  }
  const extras = ['type', 'maxSize', 'constraints', 'profileName'].filter((k) => field(persistent, k) !== undefined);
  if (!atLeast(version, 4)) {
    if (extras.length > 0) {
      out.push(finding('volume-ignored-field', 'warning', `${at}/persistent`, `Marathon ${version.text} knows only persistent.size: ${extras.join(', ')} ${extras.length === 1 ? 'is' : 'are'} ignored and the volume lands on the root disk`, `Remove ${extras.join(', ')}, or upgrade Marathon to 1.4 or later.`));
    }
    return out;
  }
  const type = field(persistent, 'type');
  if (type !== undefined && type !== 'root' && type !== 'path' && type !== 'mount') {
    out.push(finding('volume-type', 'error', `${at}/persistent/type`, `type must be one of root, path, mount (got ${show(type)})`, 'Use "root" (the agent\'s work_dir disk), "path" or "mount".'));
  }
  // From 1.8.244 a volume with a profile but no type is a mount volume.
  const profile = field(persistent, 'profileName');
  const effectiveType = type ?? (profile !== undefined && atLeast(version, 8, 244) ? 'mount' : 'root');
  const maxSize = field(persistent, 'maxSize');
  if (maxSize !== undefined) {
    if (effectiveType !== 'mount') {
      out.push(finding('volume-max-size', 'error', `${at}/persistent/maxSize`, `Only mount volumes can have maxSize (this volume is ${String(effectiveType)})`, 'Remove maxSize, or make the volume "type": "mount".'));
    } else if (typeof maxSize !== 'number' || (typeof size === 'number' && maxSize <= size)) {
      out.push(finding('volume-max-size', 'error', `${at}/persistent/maxSize`, `Max size must be larger than size (size ${show(size)}, maxSize ${show(maxSize)})`, 'Set maxSize above size, or remove it.'));
    }
  }
  out.push(...constraintRules(field(persistent, 'constraints'), effectiveType, `${at}/persistent/constraints`));
  return out;
}

function constraintRules(constraints: unknown, type: unknown, at: string): RuleFinding[] {
  if (constraints === undefined || (Array.isArray(constraints) && constraints.length === 0)) return [];
  if (!Array.isArray(constraints)) return [finding('volume-constraints', 'error', at, `constraints must be a list of [field, operator, value] (got ${show(constraints)})`, 'Use e.g. [["path", "LIKE", "/mnt/ssd-.+"]].')];
  if (type === 'root') {
    return [finding('volume-constraints', 'error', at, 'Constraints on root volumes are not supported: the root disk has no path to match', 'Remove the constraints, or make the volume "type": "path" or "mount".')];
  }
  const out: RuleFinding[] = [];
  constraints.forEach((c, k) => {
    const path = `${at}/${k}`;
    if (!Array.isArray(c) || c.length !== 3 || !c.every((x) => typeof x === 'string')) {
      out.push(finding('volume-constraints', 'error', path, `a constraint is ["path", "LIKE" | "UNLIKE", "<regex>"] (got ${show(c)})`, 'Write it as ["path", "LIKE", "/mnt/ssd-.+"].'));
      return;
    }
    const [name, operator, pattern] = c as [string, string, string];
    if (name !== 'path') out.push(finding('volume-constraints', 'error', `${path}/0`, `volume constraints can only match "path" (got ${show(name)})`, 'Use ["path", "LIKE", "<regex>"].'));
    if (operator !== 'LIKE' && operator !== 'UNLIKE') out.push(finding('volume-constraints', 'error', `${path}/1`, `Operator must be one of LIKE, UNLIKE (got ${show(operator)})`, 'Use LIKE or UNLIKE.'));
    else if (!isRegex(pattern)) out.push(finding('volume-constraints', 'error', `${path}/2`, `Invalid regular expression ${show(pattern)}`, 'Fix the regular expression (Java syntax).'));
  });
  return out;
}

/** Checked with JavaScript's engine: for the patterns volume constraints use it agrees with Java's. */
function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
