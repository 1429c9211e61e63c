/** Invoker over @alicloud/fc20230330 (FC 3.0 API 2023-03-30, ACS3-HMAC-SHA256). */
import { Readable } from 'node:stream';
import * as Credentials from '@alicloud/credentials';
import Fc3Client, { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@alicloud/tea-util';
import type { CredentialSource } from '../credentials/credentials';
import { InvokeTransportError } from './errors';
import { interopDefault, normalizeHeaders, type Invoker } from './invoker';

export interface Fc3InvokerOptions {
  /** Full origin, e.g. https://123.cn-hangzhou.fc.aliyuncs.com or http://127.0.0.1:9000. */
  endpoint: URL;
  credentials: CredentialSource;
  qualifier: string;
  timeoutMs: number;
}

export function createFc3Invoker(options: Fc3InvokerOptions): Invoker {
  let client: Fc3Client | undefined;
  const getClient = () => (client ??= createClient(options));
  return {
    async invoke(functionName, payload, { async }) {
      let response: Awaited<ReturnType<Fc3Client['invokeFunctionWithOptions']>>;
      try {
        response = await getClient().invokeFunctionWithOptions(
          functionName,
          new InvokeFunctionRequest({ qualifier: options.qualifier, body: Readable.from([payload]) }),
          new InvokeFunctionHeaders({ xFcInvocationType: async ? 'Async' : 'Sync', xFcLogType: 'None' }),
          new RuntimeOptions({}),
        );
      } catch (error) {
        throw toTransportError(functionName, error);
      }
      const body = response.body
        ? await collect(response.body).catch((error: unknown) => {
            throw new InvokeTransportError({ functionName, reason: 'the response body could not be read' }, { cause: error });
          })
        : Buffer.alloc(0);
      return { status: response.statusCode ?? 0, headers: normalizeHeaders(response.headers), body };
    },
  };
}

function createClient(options: Fc3InvokerOptions): Fc3Client {
  const Client = interopDefault(Fc3Client);
  const source = options.credentials;
  const auth =
    source.kind === 'static'
      ? { accessKeyId: source.credentials.accessKeyId, accessKeySecret: source.credentials.accessKeySecret, securityToken: source.credentials.securityToken ?? '' }
      : { credential: chainCredential(source.provider) };
  return new Client(
    new $OpenApiUtil.Config({
      ...auth,
      // Explicit: with only a region the SDK would call fc.aliyuncs.com, not the account's data-plane host.
      endpoint: options.endpoint.host,
      protocol: options.endpoint.protocol === 'http:' ? 'http' : 'https',
      readTimeout: options.timeoutMs,
      // The Tea runtime hands connectTimeout to httpx as the time to the response headers, which a sync
      // invocation only sends when the function returns: a short value cut off every call longer than it.
      connectTimeout: options.timeoutMs,
    }),
  );
}

/** A @alicloud/credentials Credential over our default-chain provider (which rebuilds a chain that failed). */
function chainCredential(provider: Extract<CredentialSource, { kind: 'chain' }>['provider']) {
  const Credential = interopDefault(Credentials.default);
  return new Credential(null, {
    getProviderName: () => 'default_chain',
    async getCredentials() {
      const current = await provider.getCredentials();
      return { accessKeyId: current.accessKeyId, accessKeySecret: current.accessKeySecret, securityToken: current.securityToken ?? '', providerName: 'default_chain' };
    },
  });
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array | string));
  return Buffer.concat(chunks);
}

interface OpenApiErrorShape {
  statusCode?: unknown;
  code?: unknown;
  requestId?: unknown;
  data?: { Message?: unknown; ErrorMessage?: unknown } | undefined;
  message?: unknown;
}

/**
 * openapi-core's ClientError/ServerError carry `statusCode`, `code`,
 * `requestId` and the parsed error body in `data`; anything else is a
 * network-level failure. Only FC's message is kept, never request details.
 */
function toTransportError(functionName: string, error: unknown): InvokeTransportError {
  const shaped = (typeof error === 'object' && error !== null ? error : {}) as OpenApiErrorShape;
  if (typeof shaped.statusCode === 'number') {
    const message = shaped.data?.Message ?? shaped.data?.ErrorMessage;
    return new InvokeTransportError(
      {
        functionName,
        status: shaped.statusCode,
        code: typeof shaped.code === 'string' ? shaped.code : undefined,
        requestId: typeof shaped.requestId === 'string' && shaped.requestId !== 'undefined' ? shaped.requestId : undefined,
        reason: typeof message === 'string' ? message : 'Function Compute refused the invocation',
      },
      { cause: error },
    );
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure';
  return new InvokeTransportError({ functionName, reason }, { cause: error });
}
