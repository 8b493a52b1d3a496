import { describe, expect, it } from 'vitest';
import { renderInfo } from '../../src/mock/render-info.js';
import { defaultScenario } from '../../src/mock/scenario-default.js';

/** Key sets of `api/v2/InfoResource.scala` at v1.1.1, v1.4.13 and v1.10.26, in source order. */
const V14_CONFIG = [
  'access_control_allow_origin', 'checkpoint', 'decline_offer_duration', 'default_network_name', 'env_vars_prefix', 'executor',
  'failover_timeout', 'features', 'framework_name', 'ha', 'hostname', 'launch_token', 'launch_token_refresh_interval',
  'leader_proxy_connection_timeout_ms', 'leader_proxy_read_timeout_ms', 'local_port_max', 'local_port_min', 'master',
  'max_instances_per_offer', 'mesos_heartbeat_failure_threshold', 'mesos_heartbeat_interval', 'mesos_leader_ui_url', 'mesos_role',
  'mesos_user', 'min_revive_offers_interval', 'offer_matching_timeout', 'on_elected_prepare_timeout', 'reconciliation_initial_delay',
  'reconciliation_interval', 'revive_offers_for_new_apps', 'revive_offers_repetitions', 'scale_apps_initial_delay', 'scale_apps_interval',
  'store_cache', 'task_launch_confirm_timeout', 'task_launch_timeout', 'task_lost_expunge_initial_delay', 'task_lost_expunge_interval',
  'task_reservation_timeout', 'webui_url',
];
const EXPECTED = {
  '1.1': {
    top: ['name', 'version', 'elected', 'leader', 'frameworkId', 'marathon_config', 'zookeeper_config', 'event_subscriber', 'http_config'],
    config: [
      'master', 'failover_timeout', 'framework_name', 'ha', 'checkpoint', 'local_port_min', 'local_port_max', 'executor', 'hostname',
      'webui_url', 'mesos_role', 'task_launch_timeout', 'task_reservation_timeout', 'reconciliation_initial_delay', 'reconciliation_interval',
      'mesos_user', 'leader_proxy_connection_timeout_ms', 'leader_proxy_read_timeout_ms', 'features', 'mesos_leader_ui_url',
    ],
    zk: ['zk', 'zk_timeout', 'zk_session_timeout', 'zk_max_versions'],
    http: ['assets_path', 'http_port', 'https_port'],
  },
  '1.4': {
    top: ['name', 'version', 'buildref', 'elected', 'leader', 'frameworkId', 'marathon_config', 'zookeeper_config', 'event_subscriber', 'http_config'],
    config: V14_CONFIG,
    zk: ['zk', 'zk_compression', 'zk_compression_threshold', 'zk_connection_timeout', 'zk_max_node_size', 'zk_max_versions', 'zk_session_timeout', 'zk_timeout'],
    http: ['http_port', 'https_port'],
  },
  '1.10': {
    top: ['name', 'version', 'buildref', 'elected', 'leader', 'frameworkId', 'marathon_config', 'zookeeper_config', 'http_config'],
    config: [
      ...V14_CONFIG.filter((k) => !k.startsWith('revive_offers_')),
      'mesos_bridge_name', 'new_group_enforce_role', 'maintenance_mode',
    ],
    zk: ['zk', 'zk_compression', 'zk_compression_threshold', 'zk_connection_timeout', 'zk_max_node_size', 'zk_max_versions', 'zk_session_timeout', 'zk_timeout'],
    http: ['http_port', 'https_port'],
  },
} as const;

const keys = (o: unknown) => Object.keys(o as object).sort();

describe('GET /v2/info carries exactly the keys of each Marathon version', () => {
  for (const [flavour, want] of Object.entries(EXPECTED)) {
    it(flavour, () => {
      const info = renderInfo(defaultScenario(flavour as keyof typeof EXPECTED), '127.0.0.1:8080');
      expect(keys(info)).toEqual([...want.top].sort());
      expect(keys(info.marathon_config)).toEqual([...want.config].sort());
      expect(keys(info.zookeeper_config)).toEqual([...want.zk].sort());
      expect(keys(info.http_config)).toEqual([...want.http].sort());
      expect(info.marathon_config).not.toHaveProperty('mesos_authentication_principal');
    });
  }
});
