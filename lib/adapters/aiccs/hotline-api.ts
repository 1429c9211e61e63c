import PopCore from '@alicloud/pop-core';
import { z } from 'zod';
import type { Credentials, CredentialsProvider } from '../../credentials/credentials';
import { RetriesExhaustedError } from '../../errors/retry';
import { AiccsCallError, classifyPopError, upstreamCodeError } from '../../errors/upstream';
import type { OutageTracker } from '../../flow/outage';
import type { RateLimiter } from '../../flow/rate-limiter';
import { withRetry, type RetryDecision } from '../../flow/retry';
import { aiccsRetryDecision } from './retry-policy';
import type { WireParams } from './wire-params';

export const AICCS_API_VERSION = '2019-10-15';
export const HOTLINE_SESSION_QUERY = 'HotlineSessionQuery';

/** One page of HotlineSessionQuery, envelope checked, records still raw. */
export interface HotlinePage {
  requestId: string | undefined;
  pageNumber: number;
  pageSize: number;
  totalCount: number;
  records: unknown[];
}

/** Counters a caller can pass in to learn what a call cost. */
export interface CallStats {
  calls: number;
  retries: number;
  throttled: number;
}

export const newCallStats = (): CallStats => ({ calls: 0, retries: 0, throttled: 0 });

export interface QueryPageOptions {
  /** Epoch ms: no attempt starts after it, and no attempt's timeout reaches past it. */
  deadline: number;
  /** Aborts the attempt in flight (its socket is destroyed) when the function's time is up. */
  signal?: AbortSignal | undefined;
  stats?: CallStats;
  /** Every attempt, retries included, waits for a token; throttling slows it down. */
  limiter?: Pick<RateLimiter, 'acquire' | 'onThrottled'>;
  /** The run's outage tracker (batch work): told of every answer and retryable failure; retries stop once it is exceeded. */
  outage?: OutageTracker | undefined;
}

/** The port the core depends on: one HotlineSessionQuery page, retried. */
export interface HotlineSessionApi {
  queryPage(params: WireParams, options: QueryPageOptions): Promise<HotlinePage>;
}

export interface PopHotlineApiOptions {
  endpoint: string;
  credentials: Credentials | CredentialsProvider;
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Which failures are retried; default aiccsRetryDecision (throttling, transient faults, timeouts). */
  retryPolicy?: (error: unknown) => RetryDecision;
}

interface RpcClient {
  request(action: string, params: Record<string, unknown>, options: Record<string, unknown>): Promise<[unknown, { response?: { statusCode?: number } }]>;
}
type RpcClientConstructor = new (config: Record<string, unknown>, verbose?: boolean) => RpcClient;

const numberLike = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** The response envelope. Records stay `unknown` here: normalization tolerates odd values per field. */
const EnvelopeSchema = z.looseObject({
  RequestId: z.string().optional(),
  Success: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional(),
  Code: z.string().optional(),
  Message: z.string().optional().nullable(),
  Data: z
    .looseObject({
      PageNumber: numberLike.optional(),
      PageSize: numberLike.optional(),
      TotalCount: numberLike,
      CallDetailRecord: z.array(z.unknown()).optional().nullable(),
    })
    .optional()
    .nullable(),
});

const SUCCESS_CODES = new Set(['Success', 'success', 'OK', '200']);
/** Below this much time left an attempt cannot finish usefully. */
const MIN_ATTEMPT_MS = 250;

/**
 * A HotlineSessionApi over pop-core's RPCClient: POST, signature v1,
 * per-attempt timeout clipped to the deadline, retries for throttling and
 * transient faults, and a `Success` check (pop-core ignores HTTP status).
 */
export function createPopHotlineApi(options: PopHotlineApiOptions): HotlineSessionApi {
  const RPCClient = ((PopCore as unknown as { RPCClient?: unknown }).RPCClient ?? PopCore) as RpcClientConstructor;
  const credentials = options.credentials;
  const client = new RPCClient(
    {
      endpoint: options.endpoint,
      apiVersion: AICCS_API_VERSION,
      ...('getCredentials' in credentials
        ? { credentialsProvider: credentials }
        : { accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret, securityToken: credentials.securityToken }),
    },
    true,
  );
  const now = options.now ?? Date.now;

  const attempt = async (params: WireParams, { deadline, stats, limiter, signal }: QueryPageOptions): Promise<HotlinePage> => {
    if (limiter) await limiter.acquire();
    const remaining = deadline - now();
    if (remaining < MIN_ATTEMPT_MS || signal?.aborted)
      throw new AiccsCallError(
        'timeout',
        'No time left for another AICCS attempt',
        undefined,
        undefined,
        undefined,
        signal?.aborted ? { cause: signal.reason } : undefined,
      );
    if (stats) stats.calls++;
    let json: unknown;
    let status: number | undefined;
    try {
      // Exact upper-case 'POST': pop-core then sends the form body; anything else goes in the URL.
      // httpx hands its node:http options to `beforeRequest`: the signal there destroys the socket when the deadline aborts.
      const [body, entry] = await client.request(HOTLINE_SESSION_QUERY, params, {
        method: 'POST',
        timeout: Math.min(options.timeoutMs, remaining),
        formatParams: false,
        ...(signal ? { beforeRequest: (requestOptions: object) => ({ ...requestOptions, signal }) } : {}),
      });
      json = body;
      status = entry.response?.statusCode;
    } catch (error) {
      const classified = classifyPopError(error);
      if (classified.kind === 'throttled') {
        if (stats) stats.throttled++;
        limiter?.onThrottled();
      }
      throw classified;
    }
    return checkEnvelope(json, status);
  };

  return {
    async queryPage(params, pageOptions) {
      const { deadline, stats, signal, outage } = pageOptions;
      let attempts = 0;
      const classify = options.retryPolicy ?? aiccsRetryDecision;
      try {
        return await withRetry(
          async () => {
            attempts++;
            try {
              const page = await attempt(params, pageOptions);
              outage?.succeeded();
              return page;
            } catch (error) {
              if (outage && !signal?.aborted && classify(error).retry) outage.failed();
              throw error;
            }
          },
          {
            maxAttempts: options.maxAttempts,
            baseDelayMs: options.baseDelayMs ?? 100,
            maxDelayMs: options.maxDelayMs ?? 2_000,
            deadline,
            // Once the deadline has aborted, another attempt cannot help.
            classify: (error) => (signal?.aborted ? { retry: false } : classify(error)),
            ...(outage ? { giveUp: () => outage.exceeded() } : {}),
            onRetry: () => {
              if (stats) stats.retries++;
            },
            now,
            ...(options.sleep ? { sleep: options.sleep } : {}),
            ...(options.random ? { random: options.random } : {}),
          },
        );
      } catch (error) {
        // Stopped by the deadline, whether its signal or its time came first: said the same way either way.
        if (signal?.aborted && !(error instanceof RetriesExhaustedError)) throw new RetriesExhaustedError(attempts, 'deadline', error);
        throw error;
      }
    },
  };
}

function checkEnvelope(json: unknown, status: number | undefined): HotlinePage {
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const kind = status !== undefined && status >= 500 ? 'transient' : 'bad-response';
    throw new AiccsCallError(
      kind,
      `AICCS answered with an unexpected body (${parsed.error.issues[0]?.path.join('.') || 'envelope'}: ${parsed.error.issues[0]?.message})`,
      undefined,
      undefined,
      status,
    );
  }
  const body = parsed.data;
  const codeOk = body.Code === undefined || SUCCESS_CODES.has(body.Code);
  if (body.Success === false || !codeOk || !body.Data) {
    throw upstreamCodeError(body.Code ?? (body.Success === false ? 'Unsuccessful' : 'MissingData'), status, body.RequestId);
  }
  return {
    requestId: body.RequestId,
    pageNumber: body.Data.PageNumber ?? 0,
    pageSize: body.Data.PageSize ?? 0,
    totalCount: body.Data.TotalCount,
    records: body.Data.CallDetailRecord ?? [],
  };
}
