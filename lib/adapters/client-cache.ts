import { credentialKey, createDefaultChainProvider, type Credentials, type CredentialsProvider } from '../credentials/credentials';

/**
 * Clients reused across warm invocations, one per credential set. FC hands
 * each invocation the role's current STS triple; when it rotates, a new
 * client is built and the oldest is dropped.
 */
export interface ClientCache<T> {
  get(credentials: Credentials | undefined): T;
  readonly size: number;
  clear(): void;
}

export function createClientCache<T>(build: (credentials: Credentials | CredentialsProvider) => T, maxEntries = 4): ClientCache<T> {
  const clients = new Map<string, T>();
  let defaultChain: T | undefined;
  return {
    get(credentials) {
      if (!credentials) {
        defaultChain ??= build(createDefaultChainProvider());
        return defaultChain;
      }
      const key = credentialKey(credentials);
      let client = clients.get(key);
      if (client === undefined) {
        client = build(credentials);
        if (clients.size >= maxEntries) clients.delete(clients.keys().next().value as string);
      } else {
        clients.delete(key);
      }
      clients.set(key, client);
      return client;
    },
    get size() {
      return clients.size + (defaultChain ? 1 : 0);
    },
    clear() {
      clients.clear();
      defaultChain = undefined;
    },
  };
}
