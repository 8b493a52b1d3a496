import type { ConnectionFlags } from './flags.js';
import { CliError, usageError } from '../core/errors.js';
import type { DcosTomlSettings } from './dcos-toml.js';
import { absolutePath, permissionBits, readTextIfExists } from './files.js';
import type { AuthConfig, ConfigSource } from './types.js';
import { checkToken } from './values.js';

export interface CredentialInput {
  flags: ConnectionFlags;
  env: NodeJS.ProcessEnv;
  /** Only when the dcos.toml describes the cluster we talk to: its token must never go elsewhere. */
  toml: DcosTomlSettings | undefined;
  tomlLabel: string;
  dcosUrl: string | undefined;
  cwd: string;
}

/**
 * Flags (token, token file, service account) > env (DCOS_ACS_TOKEN, DCOS_SERVICE_ACCOUNT_*) > dcos.toml token.
 * Within a layer a token and a service account together are ambiguous and refused.
 */
export async function resolveAuth(input: CredentialInput): Promise<AuthConfig> {
  const { flags, env } = input;
  if (flags.acsToken !== undefined && flags.acsTokenFile !== undefined) {
    throw usageError('--acs-token and --acs-token-file cannot be combined');
  }
  const flagToken = flags.acsToken !== undefined || flags.acsTokenFile !== undefined;
  const flagAccount = flags.saUid !== undefined || flags.saKeyFile !== undefined;
  if (flagToken && flagAccount) {
    throw usageError('give either an ACS token or a service account (--sa-uid/--sa-key-file), not both');
  }
  if (flags.acsToken !== undefined) return token(flags.acsToken, '--acs-token', 'flag');
  if (flags.acsTokenFile !== undefined) return tokenFromFile(flags.acsTokenFile, input);

  const uid = flags.saUid ?? nonEmpty(env.DCOS_SERVICE_ACCOUNT_UID);
  const keyFile = flags.saKeyFile ?? nonEmpty(env.DCOS_SERVICE_ACCOUNT_KEY_FILE);
  if (flagAccount) return serviceAccount(uid, keyFile, 'flag', input);
  const envToken = nonEmpty(env.DCOS_ACS_TOKEN);
  if (envToken !== undefined) return token(envToken, 'DCOS_ACS_TOKEN', 'env');
  if (uid !== undefined || keyFile !== undefined) return serviceAccount(uid, keyFile, 'env', input);
  if (input.toml?.acsToken) return token(input.toml.acsToken, `${input.tomlLabel} core.dcos_acs_token`, 'dcos-toml');
  return { kind: 'none' };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function token(value: string, label: string, source: ConfigSource): AuthConfig {
  return { kind: 'token', token: checkToken(value, label, source), source };
}

async function tokenFromFile(file: string, input: CredentialInput): Promise<AuthConfig> {
  const path = absolutePath(file, input.cwd);
  let text: string | undefined;
  try {
    text = await readTextIfExists(path);
  } catch (e) {
    throw usageError(`--acs-token-file: cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text === undefined) throw usageError(`--acs-token-file: '${file}' does not exist`);
  return token(text, `--acs-token-file '${file}'`, 'flag');
}

async function serviceAccount(
  uid: string | undefined,
  keyFile: string | undefined,
  source: ConfigSource,
  input: CredentialInput,
): Promise<AuthConfig> {
  const [uidName, keyName] = source === 'flag' ? ['--sa-uid', '--sa-key-file'] : ['DCOS_SERVICE_ACCOUNT_UID', 'DCOS_SERVICE_ACCOUNT_KEY_FILE'];
  const kind = source === 'flag' ? 'usage' : 'config';
  if (uid === undefined || uid.trim() === '') throw new CliError(kind, `${keyName} also needs ${uidName} (the service account uid)`);
  if (keyFile === undefined) throw new CliError(kind, `${uidName} also needs ${keyName} (the service account private key)`);
  if (input.dcosUrl === undefined) {
    throw new CliError('config', 'service-account login needs the DC/OS URL (--url or DCOS_URL)', {
      hint: 'The login endpoint is <dcos-url>/acs/api/v1/auth/login; plain Mesos+Marathon has no ACS.',
    });
  }
  const privateKeyPath = absolutePath(keyFile, input.cwd);
  await checkKeyPermissions(privateKeyPath, keyFile);
  return { kind: 'service-account', uid: uid.trim(), privateKeyPath, source };
}

/** Like the DC/OS CLI (pkg/fsutil): a private key readable by others is refused. `shown` is the path as given. */
export async function checkKeyPermissions(path: string, shown: string = path): Promise<void> {
  const bits = await permissionBits(path);
  if (bits === undefined) throw new CliError('config', `service account key '${shown}' does not exist`);
  if (bits !== 0o600 && bits !== 0o400) {
    const octal = bits.toString(8).padStart(4, '0');
    throw new CliError('config', `permissions ${octal} for '${shown}' are too open, expected 0400 or 0600`, {
      hint: `Run: chmod 600 '${path}'`,
    });
  }
}
