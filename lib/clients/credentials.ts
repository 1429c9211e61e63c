import { createHash } from 'node:crypto';
import type { FcCredentials } from '../fc/types';

/** An access key pair, with the STS token when the key is temporary. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

/** Something that yields current credentials on every call (pop-core's contract, plural name). */
export interface CredentialsProvider {
  getCredentials(): Promise<Credentials>;
}

/**
 * The function role's STS triple from the FC context, or undefined when the
 * function has no role (FC passes `{}`) or the invocation is local.
 */
export function credentialsFromContext(credentials: FcCredentials | undefined): Credentials | undefined {
  if (!credentials?.accessKeyId || !credentials.accessKeySecret) return undefined;
  return {
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    securityToken: credentials.securityToken || undefined,
  };
}

/** A stable, non-reversible identity for caching clients per credential set. */
export function credentialKey(credentials: Credentials): string {
  return createHash('sha256')
    .update(`${credentials.accessKeyId}\n${credentials.accessKeySecret}\n${credentials.securityToken ?? ''}`)
    .digest('base64url')
    .slice(0, 22);
}

interface CredentialModel {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

/**
 * The `@alicloud/credentials` default chain (env vars, profiles, ECS role …)
 * behind pop-core's `getCredentials()` contract. The chain sticks to its last
 * provider even after a total failure, so a failed chain is rebuilt on the
 * next call.
 */
export function createDefaultChainProvider(): CredentialsProvider {
  let chain: Promise<{ getCredential(): Promise<CredentialModel> }> | undefined;
  const load = async () => {
    const module = await import('@alicloud/credentials');
    const Credential = (module.default as unknown as { default?: unknown }).default ?? module.default;
    return new (Credential as new () => { getCredential(): Promise<CredentialModel> })();
  };
  return {
    async getCredentials() {
      chain ??= load();
      try {
        const model = await (await chain).getCredential();
        if (!model.accessKeyId || !model.accessKeySecret) throw new Error('default credential chain returned no access key');
        return { accessKeyId: model.accessKeyId, accessKeySecret: model.accessKeySecret, securityToken: model.securityToken || undefined };
      } catch (error) {
        chain = undefined;
        throw new Error(
          'No credentials: the invocation carried none and the @alicloud/credentials default chain found none (set ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET for local runs)',
          { cause: error },
        );
      }
    },
  };
}
