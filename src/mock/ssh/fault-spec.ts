import { usageError } from '../../core/errors.js';
import type { MockSshFaults } from './server.js';

/**
 * `STATEFUL_OPS_MOCK_SSH_FAULTS`: rules separated by `;`, each `<agent id|hostname|*>:key[=value],…`.
 * Keys: latency=<ms>, deny-auth, connection=refused|drop|hang, wrong-host-key, fail=<exit code>,
 * die-after=<n> (the agent goes down when asked to run command n+1), truncate-stdout=<bytes>,
 * lose-report=<n> (command n runs to its end, then the connections drop before its exit status is sent).
 * sudo=password (`sudo -n` answers "a password is required"), no-reregister (after `systemctl restart` the agent
 * process never re-registers with the master).
 */
export function parseSshFaults(
  spec: string | undefined,
  agents: readonly { id: string; hostname: string }[],
): Record<string, MockSshFaults> {
  const result: Record<string, MockSshFaults> = {};
  if (spec === undefined || spec.trim() === '') return result;
  for (const rule of spec.split(';').map((r) => r.trim()).filter(Boolean)) {
    const colon = rule.indexOf(':');
    if (colon <= 0) throw usageError(`STATEFUL_OPS_MOCK_SSH_FAULTS: '${rule}' is not <agent>:<fault>`);
    const who = rule.slice(0, colon);
    const matched = agents.filter((a) => who === '*' || a.id === who || a.hostname === who || a.id.endsWith(`-${who}`));
    if (matched.length === 0) throw usageError(`STATEFUL_OPS_MOCK_SSH_FAULTS: no mock agent '${who}'`);
    const faults = parseFaultList(rule.slice(colon + 1), rule);
    for (const a of matched) result[a.id] = { ...result[a.id], ...faults };
  }
  return result;
}

function parseFaultList(list: string, rule: string): MockSshFaults {
  const faults: MockSshFaults = {};
  for (const item of list.split(',').map((i) => i.trim()).filter(Boolean)) {
    const [key, value = ''] = item.split('=', 2) as [string, string?];
    const number = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw usageError(`STATEFUL_OPS_MOCK_SSH_FAULTS: '${item}' needs a whole number`);
      return n;
    };
    switch (key) {
      case 'latency':
        faults.latencyMs = number();
        break;
      case 'deny-auth':
        faults.denyAuth = true;
        break;
      case 'wrong-host-key':
        faults.wrongHostKey = true;
        break;
      case 'fail':
        faults.failCommandsWith = number();
        break;
      case 'truncate-stdout':
        faults.truncateStdoutBytes = number();
        break;
      case 'sudo':
        if (value !== 'password') throw usageError(`STATEFUL_OPS_MOCK_SSH_FAULTS: sudo must be sudo=password (in '${rule}')`);
        faults.sudoNeedsPassword = true;
        break;
      case 'die-after':
        faults.dieAfterCommands = number();
        break;
      case 'no-reregister':
        faults.noReregister = true;
        break;
      case 'lose-report':
        faults.loseReportOf = number();
        break;
      case 'connection':
        if (value !== 'refused' && value !== 'drop' && value !== 'hang') {
          throw usageError(`STATEFUL_OPS_MOCK_SSH_FAULTS: connection must be refused, drop or hang (in '${rule}')`);
        }
        faults.connection = value;
        break;
      default:
        throw usageError(`STATEFUL_OPS_MOCK_SSH_FAULTS: unknown fault '${key}' in '${rule}'`);
    }
  }
  return faults;
}
