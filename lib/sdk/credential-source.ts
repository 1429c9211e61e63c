import { createDefaultChainProvider, type Credentials, type CredentialsProvider } from '../credentials/credentials';

/** What a caller may pass: usually its own `context.credentials` (`{}` without a role). */
export interface ClientCredentialsInput {
  accessKeyId?: string | undefined;
  accessKeySecret?: string | undefined;
  securityToken?: string | undefined;
}

/** Either the given key (an STS triple or a plain pair) or the @alicloud/credentials default chain. */
export type CredentialSource = { kind: 'static'; credentials: Credentials } | { kind: 'chain'; provider: CredentialsProvider };

/** A usable pair (id and secret both non-empty) is used as given; otherwise the default chain. */
export function resolveCredentialSource(input: ClientCredentialsInput | undefined): CredentialSource {
  if (input?.accessKeyId && input.accessKeySecret) {
    return { kind: 'static', credentials: { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret, securityToken: input.securityToken || undefined } };
  }
  return { kind: 'chain', provider: createDefaultChainProvider() };
}
