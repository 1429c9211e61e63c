import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FcContext, FcCredentials } from '../../lib/fc/types';
import { newRequestId, toHttpTriggerEvent } from './http-trigger-event';

export type FcEventHandler = (event: Buffer, context: FcContext) => Promise<unknown>;

export interface GatewayFunction {
  handler: FcEventHandler;
  /** FC `timeout` in seconds (context.function.timeout); the gateway enforces it. */
  timeoutSeconds?: number;
  memoryMb?: number;
  /** What context.credentials carries: the function role's STS triple. */
  credentials?: FcCredentials;
}

export interface FcGatewayOptions {
  host?: string;
  /** 9000 for `npm start`; 0 (any free port) in tests. */
  port?: number;
  /** The function behind the HTTP trigger. */
  httpFunction: string;
  functions: Record<string, GatewayFunction>;
  accountId?: string;
  region?: string;
  /** Largest request body accepted, like FC's own limit. */
  maxBodyBytes?: number;
  now?: () => number;
}

export interface FcGateway {
  url: string;
  port: number;
  /** Invocations so far per function name. */
  readonly invocations: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * A local Function Compute 3.0 front end: each HTTP request becomes the
 * exact HTTP trigger event, the handler runs in-process with a context
 * carrying the function's credentials, and its `{statusCode, headers, body,
 * isBase64Encoded}` result becomes the HTTP response.
 */
export async function startFcGateway(options: FcGatewayOptions): Promise<FcGateway> {
  const now = options.now ?? Date.now;
  const accountId = options.accountId ?? '1234567890123456';
  const region = options.region ?? 'cn-hangzhou';
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const invocations: Record<string, number> = {};
  const target = options.functions[options.httpFunction];
  if (!target) throw new Error(`httpFunction \`${options.httpFunction}\` is not among the gateway's functions`);

  const invoke = async (name: string, fn: GatewayFunction, event: Buffer, requestId: string): Promise<unknown> => {
    invocations[name] = (invocations[name] ?? 0) + 1;
    const timeoutSeconds = fn.timeoutSeconds ?? 30;
    const context = buildContext(name, fn, requestId, accountId, region);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
    });
    try {
      return await Promise.race([fn.handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const server = createServer((request, response) => {
    void serveHttpTrigger(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendFcError(response, error);
      else response.destroy();
    });
  });

  const serveHttpTrigger = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      response.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ ErrorCode: 'PayloadTooLarge', ErrorMessage: `body exceeds ${maxBodyBytes} bytes` }));
      return;
    }
    const started = now();
    const requestId = newRequestId(started);
    const event = toHttpTriggerEvent(request, body, { accountId, region, triggerId: 'local-http', requestId, now: started });
    const result = await invoke(options.httpFunction, target, Buffer.from(JSON.stringify(event)), requestId);
    writeTriggerResult(response, result, requestId);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutError';
  constructor(seconds: number) {
    super(`Function timed out after ${seconds} s`);
  }
}

function buildContext(name: string, fn: GatewayFunction, requestId: string, accountId: string, region: string): FcContext {
  return {
    requestId,
    credentials: { ...(fn.credentials ?? {}) },
    function: { name, handler: 'index.handler', memory: fn.memoryMb ?? 512, timeout: fn.timeoutSeconds ?? 30 },
    region,
    accountId,
    retryCount: 0,
    logger: console,
  };
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

interface TriggerResult {
  statusCode?: unknown;
  headers?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
}

function writeTriggerResult(response: ServerResponse, result: unknown, requestId: string): void {
  const headers: Record<string, string> = { 'x-fc-request-id': requestId };
  if (Buffer.isBuffer(result)) {
    response.writeHead(200, headers).end(result);
    return;
  }
  const shaped = (typeof result === 'object' && result !== null ? result : {}) as TriggerResult;
  if (typeof shaped.statusCode !== 'number') {
    // Not a response struct: FC sends the value itself (objects as JSON).
    const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, headers).end(text);
    return;
  }
  if (typeof shaped.headers === 'object' && shaped.headers !== null) {
    for (const [name, value] of Object.entries(shaped.headers)) headers[name] = String(value);
  }
  const body = typeof shaped.body === 'string' ? shaped.body : shaped.body === undefined ? '' : JSON.stringify(shaped.body);
  response.writeHead(shaped.statusCode, headers).end(shaped.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'));
}

function sendFcError(response: ServerResponse, error: unknown): void {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  // Like FC: an unhandled function error is an HTTP 200-or-502 with X-Fc-Error-Type; for triggers we use 502.
  response
    .writeHead(502, { 'content-type': 'application/json', 'x-fc-error-type': 'UnhandledInvocationError' })
    .end(JSON.stringify({ errorMessage: message, errorType: name }));
}
