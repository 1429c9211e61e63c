/** Invoker over @alicloud/fc2 (FC 2.0 API 2016-08-15): service/function targets only. */
import Fc2Client from '@alicloud/fc2';
import { credentialKey, type Credentials } from '../credentials/credentials';
import type { CredentialSource } from '../credentials/credentials';
import { InvokeTransportError } from './errors';
import { interopDefault, normalizeHeaders, toBuffer, type Invoker } from './invoker';

export interface Fc2InvokerOptions {
  accountId: string;
  region: string;
  endpoint: URL;
  credentials: CredentialSource;
  /** The FC 2.0 service; without it, function names must be `service$function`. */
  serviceName: string | undefined;
  qualifier: string;
  timeoutMs: number;
}

/**
 * fc2 takes static keys at construction, so a client is kept per credential
 * set (the default chain may rotate them). It resolves only on 2xx and does
 * not expose the status: 200 (sync) / 202 (async) are reported.
 */
export function createFc2Invoker(options: Fc2InvokerOptions): Invoker {
  const clients = new Map<string, Fc2Client>();
  const clientFor = (credentials: Credentials) => {
    const key = credentialKey(credentials);
    let client = clients.get(key);
    if (!client) {
      const Client = interopDefault(Fc2Client);
      client = new Client(options.accountId, {
        // Capital "ID"; the token is sent only for keys starting with "STS".
        accessKeyID: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
        region: options.region,
        endpoint: options.endpoint.origin,
        secure: options.endpoint.protocol !== 'http:',
        timeout: options.timeoutMs,
      });
      clients.clear();
      clients.set(key, client);
    }
    return client;
  };

  return {
    async invoke(functionName, payload, { async }) {
      const { service, fn } = splitTarget(options.serviceName, functionName);
      let credentials: Credentials;
      try {
        credentials = options.credentials.kind === 'static' ? options.credentials.credentials : await options.credentials.provider.getCredentials();
      } catch (error) {
        throw new InvokeTransportError({ functionName, reason: 'no credentials (the default chain found none)' }, { cause: error });
      }
      try {
        const response = await clientFor(credentials).invokeFunction(service, fn, payload, { 'x-fc-invocation-type': async ? 'Async' : 'Sync' }, options.qualifier, {
          rawBuf: true,
        });
        return { status: async ? 202 : 200, headers: normalizeHeaders(response.headers), body: toBuffer(response.data) };
      } catch (error) {
        throw toTransportError(functionName, error);
      }
    },
  };
}

function splitTarget(serviceName: string | undefined, functionName: string): { service: string; fn: string } {
  if (serviceName) return { service: serviceName, fn: functionName };
  const dollar = functionName.indexOf('$');
  // Validated when the client is created; kept total here.
  return dollar < 0 ? { service: '', fn: functionName } : { service: functionName.slice(0, dollar), fn: functionName.slice(dollar + 1) };
}

/** fc2 errors: `name = FC<Code>Error`, `code`, message "<METHOD> <path> failed with <status>. requestid: <id>, message: <text>." */
function toTransportError(functionName: string, error: unknown): InvokeTransportError {
  const message = error instanceof Error ? error.message : '';
  const api = /failed with (\d{3})\. requestid: ([^,]*), message: (.*)\.$/s.exec(message);
  if (api) {
    const code = (error as { code?: unknown }).code;
    return new InvokeTransportError(
      {
        functionName,
        status: Number(api[1]),
        code: typeof code === 'string' ? code : undefined,
        requestId: api[2] && api[2] !== 'undefined' ? api[2] : undefined,
        reason: api[3] || 'Function Compute refused the invocation',
      },
      { cause: error },
    );
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure';
  return new InvokeTransportError({ functionName, reason }, { cause: error });
}
