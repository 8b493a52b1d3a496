import type { ClusterClients } from '../../context/context.js';
import { notFound } from '../../core/errors.js';
import { printable } from '../../domain/mesos-ids.js';
import { appFilter, normalizeAppId } from '../../domain/task-id.js';

/**
 * The "not found" half of the filter contract (README "Exit codes"): a filter naming an app, group or agent
 * that does not exist is exit 3; one that exists but matches nothing is an empty answer (0). Asked only when
 * the command's own answer is empty, so a filter that matched costs no extra request.
 */
export async function requireAppFilter(clients: ClusterClients, spec: string, seenAppIds: Iterable<string>): Promise<void> {
  const matches = appFilter(spec);
  for (const id of seenAppIds) if (matches(id)) return;
  if (!spec.trim().endsWith('/')) {
    // GET /v2/apps/<id>: a 404 is the not-found error, naming the app.
    await clients.marathon.app(normalizeAppId(spec)).catch(async (e: unknown) => {
      const group = normalizeAppId(spec) + '/';
      if ((await clients.marathon.apps()).some((a) => a.id.startsWith(group))) {
        throw notFound(`'${printable(spec)}' is a group, not an app`, `Give the group as a prefix ending in /: --app ${printable(group)}`);
      }
      throw e;
    });
    return;
  }
  if (!(await clients.marathon.apps()).some((a) => matches(a.id))) {
    throw notFound(`no app under the group '${printable(spec)}'`, 'See the apps Marathon runs: `stateful-ops tasks list --all`.');
  }
}

/** An agent id or hostname the Mesos master lists (or seen on a task of the answer: a lost agent). */
export async function requireAgentFilter(clients: ClusterClients, agent: string, seen: Iterable<{ agentId: string | null; host: string | null }>): Promise<void> {
  for (const s of seen) if (s.agentId === agent || s.host === agent) return;
  const { slaves } = await clients.mesos.agents();
  if (slaves.some((a) => a.id === agent || a.hostname === agent)) return;
  throw notFound(`no agent '${printable(agent)}' is known to the Mesos master`);
}
