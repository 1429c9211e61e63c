import { describe, expect, it } from 'vitest';
import { createClientCache } from '../../lib/adapters/client-cache';
import type { Credentials, CredentialsProvider } from '../../lib/credentials/credentials';

const creds = (n: number): Credentials => ({ accessKeyId: `STS.key${n}`, accessKeySecret: `secret${n}`, securityToken: `token${n}` });

describe('createClientCache', () => {
  it('reuses a client for the same credentials and builds a new one when they rotate', () => {
    const built: Array<Credentials | CredentialsProvider> = [];
    const cache = createClientCache((credentials) => {
      built.push(credentials);
      return { id: built.length };
    });
    const first = cache.get(creds(1));
    expect(cache.get({ ...creds(1) })).toBe(first);
    const rotated = cache.get({ ...creds(1), securityToken: 'token-new' });
    expect(rotated).not.toBe(first);
    expect(built).toHaveLength(2);
  });

  it('keeps at most maxEntries clients, dropping the least recently used', () => {
    let builds = 0;
    const cache = createClientCache(() => ({ id: ++builds }), 2);
    const one = cache.get(creds(1));
    cache.get(creds(2));
    cache.get(creds(1));
    cache.get(creds(3));
    expect(cache.size).toBe(2);
    expect(cache.get(creds(1))).toBe(one);
    expect(builds).toBe(3);
  });

  it('uses one default-chain client when an invocation has no credentials', () => {
    const cache = createClientCache((credentials) => ({ provider: 'getCredentials' in credentials }));
    expect(cache.get(undefined)).toStrictEqual({ provider: true });
    expect(cache.get(undefined)).toBe(cache.get(undefined));
  });
});
