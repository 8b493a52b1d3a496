import { marathonVersion, type Json } from './render-marathon.js';
import type { MarathonFlavour, MockState } from './types.js';

/**
 * GET /v2/info with exactly the keys each version writes (`api/v2/InfoResource.scala` at v1.1.1, v1.4.13,
 * v1.10.26). Play's Json.obj writes an unset option as `null`; values are DC/OS's defaults. No version sends
 * `mesos_authentication_principal` here, and strict clients (marathon-python builds objects from every key) fail
 * on keys they do not know.
 */

const MASTER = 'zk://zk-1.zk:2181,zk-2.zk:2181,zk-3.zk:2181,zk-4.zk:2181,zk-5.zk:2181/mesos';
const ZK = 'zk://zk-1.zk:2181,zk-2.zk:2181,zk-3.zk:2181,zk-4.zk:2181,zk-5.zk:2181/marathon';
const FEATURES = ['vips', 'task_killing', 'external_volumes', 'secrets', 'gpu_resources'];

function marathonConfig11(state: MockState, hostname: string): Json {
  return {
    master: MASTER,
    failover_timeout: 604800,
    framework_name: 'marathon',
    ha: true,
    checkpoint: state.marathonCheckpoint ?? true,
    local_port_min: 10000,
    local_port_max: 20000,
    executor: '//cmd',
    hostname,
    webui_url: null,
    mesos_role: state.mesosRole,
    task_launch_timeout: 300000,
    task_reservation_timeout: 20000,
    reconciliation_initial_delay: 15000,
    reconciliation_interval: 600000,
    mesos_user: 'root',
    leader_proxy_connection_timeout_ms: 5000,
    leader_proxy_read_timeout_ms: 10000,
    features: [],
    mesos_leader_ui_url: '/mesos',
  };
}

/** 1.4 and 1.10 share most keys (alphabetical in the source); 1.10 adds three and drops the revive_offers_* pair. */
function marathonConfig(flavour: MarathonFlavour, state: MockState, hostname: string): Json {
  const out: Json = {
    access_control_allow_origin: null,
    checkpoint: state.marathonCheckpoint ?? true,
    decline_offer_duration: 120000,
    default_network_name: 'dcos',
    env_vars_prefix: null,
    executor: '//cmd',
    failover_timeout: 604800,
    features: FEATURES,
    framework_name: 'marathon',
    ha: true,
    hostname,
    launch_token: 100,
    launch_token_refresh_interval: 30000,
    leader_proxy_connection_timeout_ms: 5000,
    leader_proxy_read_timeout_ms: 10000,
    local_port_max: 20000,
    local_port_min: 10000,
    master: MASTER,
    max_instances_per_offer: 100,
  };
  if (flavour === '1.10') out.mesos_bridge_name = 'mesos-bridge';
  Object.assign(out, {
    mesos_heartbeat_failure_threshold: 5,
    mesos_heartbeat_interval: 15000,
    mesos_leader_ui_url: '/mesos',
    mesos_role: state.mesosRole,
    mesos_user: 'root',
  });
  if (flavour === '1.10') out.new_group_enforce_role = 'off';
  Object.assign(out, {
    min_revive_offers_interval: 5000,
    offer_matching_timeout: 3000,
    on_elected_prepare_timeout: 180000,
    reconciliation_initial_delay: 15000,
    reconciliation_interval: 600000,
  });
  if (flavour === '1.4') Object.assign(out, { revive_offers_for_new_apps: true, revive_offers_repetitions: 3 });
  Object.assign(out, {
    scale_apps_initial_delay: 15000,
    scale_apps_interval: 300000,
    store_cache: true,
    task_launch_confirm_timeout: 300000,
    task_launch_timeout: 300000,
    task_lost_expunge_initial_delay: 300000,
    task_lost_expunge_interval: 30000,
    task_reservation_timeout: 20000,
    webui_url: null,
  });
  if (flavour === '1.10') out.maintenance_mode = true;
  return out;
}

export function renderInfo(state: MockState, leader: string): Json {
  const flavour = state.flavour;
  const hostname = leader.replace(/:\d+$/, '');
  const info: Json = { name: 'marathon', version: marathonVersion(flavour) };
  if (flavour !== '1.1') info.buildref = 'b00f1c6a1b9c5c2c1b2f2b0a4a6d1f7f0e6c2b9d';
  Object.assign(info, {
    elected: true,
    leader,
    frameworkId: state.frameworkId,
    marathon_config: flavour === '1.1' ? marathonConfig11(state, hostname) : marathonConfig(flavour, state, hostname),
    zookeeper_config:
      flavour === '1.1'
        ? { zk: ZK, zk_timeout: 10000, zk_session_timeout: 10000, zk_max_versions: 50 }
        : {
            zk: ZK,
            zk_compression: true,
            zk_compression_threshold: 65536,
            zk_connection_timeout: 10000,
            zk_max_node_size: 1024000,
            zk_max_versions: 50,
            zk_session_timeout: 10000,
            zk_timeout: 10000,
          },
  });
  // No event subscriber configured (DC/OS uses the event stream): Play writes the empty option as null; 1.10 has no key.
  if (flavour !== '1.10') info.event_subscriber = null;
  info.http_config = flavour === '1.1' ? { assets_path: null, http_port: 8080, https_port: 8443 } : { http_port: 8080, https_port: 8443 };
  return info;
}
