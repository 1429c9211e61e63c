/**
 * The project's one credential type, and where credentials come from: what
 * the caller (FC context, SDK option) hands over, or else the
 * @alicloud/credentials default chain (env vars, profiles, ECS role, …).
 */
import { createHash } from 'node:crypto';

/** An access key pair, with the STS token when the key is temporary. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

/** What callers hand over: FC's `context.credentials` (`{}` for a function without a role) or the SDK's `credentials` option. */
export interface CredentialsInput {
  accessKeyId?: string | undefined;
  accessKeySecret?: string | undefined;
  securityToken?: string | undefined;
}

/** Something that yields current credentials on every call (pop-core's contract, plural name). */
export interface CredentialsProvider {
  getCredentials(): Promise<Credentials>;
}

/** Either the given key (an STS triple or a plain pair) or the default chain. */
export type CredentialSource = { kind: 'static'; credentials: Credentials } | { kind: 'chain'; provider: CredentialsProvider };

/** The input as Credentials when it holds a usable pair (id and secret both non-empty); otherwise undefined. */
export function credentialsFrom(input: CredentialsInput | undefined): Credentials | undefined {
  if (!input?.accessKeyId || !input.accessKeySecret) return undefined;
  return { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret, securityToken: input.securityToken || undefined };
}

/** A usable pair is used as given; otherwise the default chain. */
export function resolveCredentialSource(input: CredentialsInput | undefined): CredentialSource {
  const credentials = credentialsFrom(input);
  return credentials ? { kind: 'static', credentials } : { kind: 'chain', provider: createDefaultChainProvider() };
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
 * The `@alicloud/credentials` default chain behind pop-core's
 * `getCredentials()` contract. The chain sticks to its last provider even
 * after a total failure, so a failed chain is rebuilt on the next call.
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
