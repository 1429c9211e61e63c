/**
 * Fixed identities and data for the local stack and tests. None of these
 * values is a real Alibaba Cloud credential; they only open the emulator.
 */
import { generateCallRecords } from './dataset';
import type { AiccsCredential } from './protocol';
import { RecordStore } from './record-store';

/** Main demo instance: about 20,000 records over the last 7 days. */
export const DEMO_INSTANCE_ID = 'ccc_xp_pre-cn-demo0001';

/** Second, smaller instance: about 2,000 records over the last 7 days. */
export const SECOND_INSTANCE_ID = 'ccc_xp_pre-cn-demo0002';

/** STS-style demo credentials the emulator accepts by default. */
export const DEMO_CREDENTIALS = {
  accessKeyId: 'STS.LocalDemoAccessKey001',
  accessKeySecret: 'LocalDemoSecretNotForProd00042',
  securityToken:
    'CAISlocalDemoSecurityTokenForTheAiccsEmulator0x1Gq3TbW5kR8mN2pV7yZ4cH6jL9sD1fA3gK5eU8iO0rT2wQ4xB6nM8vC1zP3' +
    'aS5dF7gH9jK2lE4rT6yU8iO0pQ3wE5rT7yU9iA2sD4fG6hJ8kL1zX3cV5bN7mQ9wE2rT4yU6iO8pA0sD2fG4hJ6kL8zX0cV2bN4mGhUA' +
    'RoleSessionLocalDemoGhQAaQuEd9yBDLnQvlaNDemoAiccsExporterLocalStackOnly',
} as const satisfies Required<AiccsCredential>;

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Build the demo store: 20,000 records for {@link DEMO_INSTANCE_ID} and 2,000
 * for {@link SECOND_INSTANCE_ID}, spread over the 7 days before `now`.
 * Deterministic for a given `now`.
 *
 * @param now - epoch ms; defaults to the current time.
 */
export function createDemoStore(now: number = Date.now()): RecordStore {
  const from = now - SEVEN_DAYS_MS;
  const store = new RecordStore();
  store.add(DEMO_INSTANCE_ID, generateCallRecords({ instanceId: DEMO_INSTANCE_ID, seed: 20191015, from, to: now, count: 20_000 }));
  store.add(SECOND_INSTANCE_ID, generateCallRecords({ instanceId: SECOND_INSTANCE_ID, seed: 20191016, from, to: now, count: 2_000 }));
  return store;
}
