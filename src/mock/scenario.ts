import { join } from 'node:path';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { generateRsaKeyPair } from './jwt.js';
import { SERVICE_ACCOUNT_UID, serviceAccountKeyPath, stateFilePath } from './paths.js';
import { writeSandboxes } from './sandbox.js';
import { defaultScenario } from './scenario-default.js';
import { generatedScenario, type GeneratorOptions } from './scenario-generated.js';
import { writeStateFile } from './store.js';
import type { MarathonFlavour, MockState } from './types.js';

export type ScenarioName = 'default' | 'generated';

export interface ResetOptions {
  stateDir: string;
  scenario: ScenarioName;
  flavour: MarathonFlavour;
  requireAuth: boolean;
  /** false: Marathon has no leader and answers every request with its error page. Default true. */
  leaderPresent?: boolean;
  /** Required for the `generated` scenario. */
  generator?: GeneratorOptions;
}

export interface ResetResult {
  state: MockState;
  /** Set with requireAuth: the service account's private key (PEM, mode 0600). */
  serviceAccount?: { uid: string; keyPath: string };
}

export function buildScenario(o: Omit<ResetOptions, 'stateDir' | 'requireAuth'>): MockState {
  if (o.scenario === 'generated') {
    if (!o.generator) throw new Error('the generated scenario needs generator options');
    return generatedScenario(o.flavour, o.generator);
  }
  return defaultScenario(o.flavour);
}

/**
 * Replace the mock cluster in `stateDir` with a fresh scenario: state file, agent sandboxes and, with
 * `requireAuth`, an IAM signing key plus a service account whose private key is written next to the state.
 */
export function resetMock(o: ResetOptions): ResetResult {
  const state = buildScenario(o);
  state.leaderPresent = o.leaderPresent ?? true;
  mkdirSync(o.stateDir, { recursive: true, mode: 0o700 });
  rmSync(serviceAccountKeyPath(o.stateDir), { force: true });
  let serviceAccount: ResetResult['serviceAccount'];
  if (o.requireAuth) {
    const iam = generateRsaKeyPair();
    const account = generateRsaKeyPair();
    state.auth = {
      required: true,
      iamPrivateKeyPem: iam.privateKeyPem,
      iamPublicKeyPem: iam.publicKeyPem,
      serviceAccounts: [{ uid: SERVICE_ACCOUNT_UID, publicKeyPem: account.publicKeyPem }],
    };
    const keyPath = serviceAccountKeyPath(o.stateDir);
    writeFileSync(keyPath, account.privateKeyPem, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    serviceAccount = { uid: SERVICE_ACCOUNT_UID, keyPath };
  }
  // Remove the old state first: a reader never pairs the new sandboxes with the old cluster.
  rmSync(stateFilePath(o.stateDir), { force: true });
  // Journals of wipes against the old cluster would make the new one look half-wiped.
  rmSync(join(o.stateDir, 'journal'), { recursive: true, force: true });
  writeSandboxes(o.stateDir, state);
  writeStateFile(o.stateDir, state);
  return serviceAccount ? { state, serviceAccount } : { state };
}
