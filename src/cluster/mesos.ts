import type { MesosApi } from './api.js';
import { CliError, notFound, usageError } from '../core/errors.js';
import { statusError } from './http-errors.js';
import type { HttpClient, ServiceRef } from './http.js';
import type { MachineId, MaintenanceSchedule, MaintenanceStatus, MesosAgent, MesosAgentState, MesosFlags, MesosMasterState, MesosOperatorCall, MesosSlaves } from '../model/mesos.js';
import { decodeAgentState, decodeAgentSummary, decodeFlags, decodeMaintenanceSchedule, decodeMaintenanceStatus, decodeMasterState, decodeSlaves } from './decoders.js';

/** Up to this many agents, /slaves is asked per agent (`?slave_id=`) instead of for the whole cluster. */
const PER_AGENT_SLAVES_LIMIT = 32;

/** Admin Router's rule for /agent/<id>/ (mesos-dcos README §h); also keeps ids from rewriting our URLs. */
const AGENT_ID = /^[0-9a-zA-Z-]+$/;

export type AgentEndpointRoute =
  | { kind: 'admin-router'; dcosUrl: string }
  /** Plain Mesos: agents answer at the host:port of their pid, same scheme as the master. */
  | { kind: 'direct'; scheme: 'http:' | 'https:' };

/** MesosApi over HTTP (../shared/reference/mesos-dcos/README.md §f, §h). */
export class HttpMesos implements MesosApi {
  private readonly master: ServiceRef;
  /** Agent id → base URL, from one /slaves read per run (direct access only). */
  private agentUrls: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly http: HttpClient,
    readonly baseUrl: string,
    private readonly access: AgentEndpointRoute,
  ) {
    this.master = { name: 'Mesos master', baseUrl };
  }

  async slaves(agentIds?: readonly string[]): Promise<MesosSlaves> {
    if (agentIds === undefined || agentIds.length > PER_AGENT_SLAVES_LIMIT) {
      return this.http.request('GET', `${this.baseUrl}/slaves`, { service: this.master, decode: decodeSlaves });
    }
    // A few agents: their own entries only. The full answer repeats every reservation's labels and runs to
    // hundreds of MB on big clusters.
    const ids = [...new Set(agentIds)];
    for (const id of ids) {
      if (!AGENT_ID.test(id)) throw usageError(`invalid agent id '${id}'`, 'Mesos agent ids contain only letters, digits and -.');
    }
    const parts = await Promise.all(
      ids.map((id) =>
        this.http.request('GET', `${this.baseUrl}/slaves?slave_id=${encodeURIComponent(id)}`, {
          service: this.master,
          decode: decodeSlaves,
        }),
      ),
    );
    return {
      slaves: parts.flatMap((p) => p.slaves),
      recovered_slaves: parts.flatMap((p) => p.recovered_slaves ?? []).filter((a) => ids.includes(a.id)),
    };
  }

  agents(): Promise<MesosSlaves> {
    return this.http.request('GET', `${this.baseUrl}/master/state-summary`, { service: this.master, decode: decodeAgentSummary });
  }

  masterState(): Promise<MesosMasterState> {
    return this.http.request('GET', `${this.baseUrl}/master/state`, { service: this.master, decode: decodeMasterState });
  }

  masterFlags(): Promise<MesosFlags> {
    return this.http.request('GET', `${this.baseUrl}/master/flags`, { service: this.master, decode: decodeFlags });
  }

  get operatorUrl(): string {
    return `${this.baseUrl}/api/v1`;
  }

  async operatorCall(call: MesosOperatorCall): Promise<{ status: number }> {
    const agentId = call.type === 'DESTROY_VOLUMES' ? call.destroy_volumes.agent_id.value : call.unreserve_resources.agent_id.value;
    if (!AGENT_ID.test(agentId)) throw usageError(`invalid agent id '${agentId}'`, 'Mesos agent ids contain only letters, digits and -.');
    const request = { service: this.master, body: call, idempotent: false };
    const answer = await this.http.exchange('POST', this.operatorUrl, request);
    if (answer.status >= 200 && answer.status <= 299) return { status: answer.status };
    // The master answers validation failures (400) and failed operations (409) in plain text.
    if (answer.status === 400 || answer.status === 409) {
      const said = this.http.redact(answer.text).trim().replace(/\s+/g, ' ').slice(0, 300) || `HTTP ${answer.status}`;
      throw new CliError('remote', `Mesos master refused ${call.type} on agent ${agentId} (${answer.status}): ${said}`);
    }
    throw statusError(answer.status, answer.text, answer.json, {
      service: this.master,
      method: 'POST',
      url: this.operatorUrl,
      timeoutMs: 0,
      authenticated: true,
      redact: (t) => this.http.redact(t),
    });
  }

  maintenanceSchedule(): Promise<MaintenanceSchedule> {
    return this.http.request('GET', `${this.baseUrl}/master/maintenance/schedule`, { service: this.master, decode: decodeMaintenanceSchedule });
  }

  maintenanceStatus(): Promise<MaintenanceStatus> {
    return this.http.request('GET', `${this.baseUrl}/master/maintenance/status`, { service: this.master, decode: decodeMaintenanceStatus });
  }

  updateMaintenanceSchedule(schedule: MaintenanceSchedule): Promise<void> {
    return this.maintenancePost('/master/maintenance/schedule', schedule, 'the maintenance schedule update');
  }

  machines(verb: 'down' | 'up', ids: MachineId[]): Promise<void> {
    return this.maintenancePost(`/master/machine/${verb}`, ids, `machine/${verb}`);
  }

  /** The master answers 200 with no body, or 400 with Mesos's reason in plain text. */
  private async maintenancePost(path: string, body: unknown, what: string): Promise<void> {
    const url = `${this.baseUrl}${path}`;
    const answer = await this.http.exchange('POST', url, { service: this.master, body, idempotent: false });
    if (answer.status >= 200 && answer.status <= 299) return;
    if (answer.status === 400) {
      const said = this.http.redact(answer.text).trim().replace(/\s+/g, ' ').slice(0, 300) || 'HTTP 400';
      throw new CliError('remote', `Mesos master refused ${what} (400): ${said}`);
    }
    throw statusError(answer.status, answer.text, answer.json, {
      service: this.master,
      method: 'POST',
      url,
      timeoutMs: 0,
      authenticated: true,
      redact: (t) => this.http.redact(t),
    });
  }

  agentFlags(agentId: string): Promise<MesosFlags> {
    return this.agentGet(agentId, '/flags', decodeFlags);
  }

  agentState(agentId: string): Promise<MesosAgentState> {
    return this.agentGet(agentId, '/state', decodeAgentState);
  }

  private async agentGet<T>(agentId: string, path: string, decode: (doc: unknown) => T | Promise<T>): Promise<T> {
    if (!AGENT_ID.test(agentId)) throw usageError(`invalid agent id '${agentId}'`, 'Mesos agent ids contain only letters, digits and -.');
    const base = await this.agentBase(agentId);
    const service = { name: `agent ${agentId}`, baseUrl: base };
    return this.http.request('GET', `${base}${path}`, { service, decode, notFound: 'agent' });
  }

  private async agentBase(agentId: string): Promise<string> {
    if (this.access.kind === 'admin-router') return `${this.access.dcosUrl}/agent/${agentId}`;
    let urls = await this.loadAgentUrls(false);
    // An agent may have registered since the first read: look once more before giving up.
    if (!urls.has(agentId)) urls = await this.loadAgentUrls(true);
    const url = urls.get(agentId);
    if (url === undefined) throw notFound(`agent '${agentId}' not found`, 'List agents with `dcos node list` (or the Mesos UI).');
    return url;
  }

  private loadAgentUrls(refresh: boolean): Promise<Map<string, string>> {
    if (refresh || this.agentUrls === undefined) {
      const scheme = this.access.kind === 'direct' ? this.access.scheme : 'http:';
      const pending = this.agents().then((s) => agentUrlMap(s.slaves, scheme));
      // A failed read must not stick for the rest of the run.
      pending.catch(() => {
        if (this.agentUrls === pending) this.agentUrls = undefined;
      });
      this.agentUrls = pending;
    }
    return this.agentUrls;
  }
}

export function agentUrlMap(agents: MesosAgent[], scheme: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const agent of agents) {
    const address = agentAddress(agent);
    if (address !== undefined) map.set(agent.id, `${scheme}//${address}`);
  }
  return map;
}

/** `slave(1)@127.0.0.1:5051` → `127.0.0.1:5051`; the pid is authoritative (the hostname may not resolve). */
export function agentAddress(agent: Pick<MesosAgent, 'pid' | 'hostname' | 'port'>): string | undefined {
  const match = agent.pid === undefined ? null : /@([^@:/\s]+):(\d+)$/.exec(agent.pid);
  if (match) return `${match[1]}:${match[2]}`;
  if (agent.hostname && agent.port !== undefined) return `${agent.hostname}:${agent.port}`;
  return undefined;
}
