import PopCore from '@alicloud/pop-core';
import { z } from 'zod';
import { AppError, InstanceNotFoundError, UpstreamError, UpstreamPermissionError, UpstreamThrottledError, UpstreamTimeoutError } from '../errors';
import type { WireParams } from '../records/filter';
import type { RateLimiter } from '../rate-limiter';
import { RetriesExhaustedError, withRetry } from '../retry';
import { AiccsCallError, aiccsRetryDecision, classifyPopError } from './aiccs-errors';
import type { Credentials, CredentialsProvider } from './credentials';

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
  stats?: CallStats;
  /** Every attempt, retries included, waits for a token; throttling slows it down. */
  limiter?: Pick<RateLimiter, 'acquire' | 'onThrottled'>;
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

  const attempt = async (params: WireParams, { deadline, stats, limiter }: QueryPageOptions): Promise<HotlinePage> => {
    if (limiter) await limiter.acquire();
    const remaining = deadline - now();
    if (remaining < MIN_ATTEMPT_MS) throw new AiccsCallError('timeout', 'No time left for another AICCS attempt', undefined, undefined, undefined);
    if (stats) stats.calls++;
    let json: unknown;
    let status: number | undefined;
    try {
      // Exact upper-case 'POST': pop-core then sends the form body; anything else goes in the URL.
      const [body, entry] = await client.request(HOTLINE_SESSION_QUERY, params, { method: 'POST', timeout: Math.min(options.timeoutMs, remaining), formatParams: false });
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
    queryPage(params, pageOptions) {
      const { deadline, stats } = pageOptions;
      return withRetry(() => attempt(params, pageOptions), {
        maxAttempts: options.maxAttempts,
        baseDelayMs: options.baseDelayMs ?? 100,
        maxDelayMs: options.maxDelayMs ?? 2_000,
        deadline,
        classify: aiccsRetryDecision,
        onRetry: () => {
          if (stats) stats.retries++;
        },
        now,
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.random ? { random: options.random } : {}),
      });
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
    const code = body.Code ?? (body.Success === false ? 'Unsuccessful' : 'MissingData');
    const classified = classifyPopError(Object.assign(new Error(code), { code, data: body, entry: { response: { statusCode: status } } }));
    throw classified;
  }
  return {
    requestId: body.RequestId,
    pageNumber: body.Data.PageNumber ?? 0,
    pageSize: body.Data.PageSize ?? 0,
    totalCount: body.Data.TotalCount,
    records: body.Data.CallDetailRecord ?? [],
  };
}

/**
 * Maps a failed HotlineSessionQuery (after retries) onto the project's error
 * taxonomy. Upstream messages are not passed through: POP errors can echo
 * signed parameters.
 */
export function toUpstreamAppError(error: unknown, instanceId: string): AppError {
  if (error instanceof AppError) return error;
  const exhausted = error instanceof RetriesExhaustedError ? error : undefined;
  const last = classifyPopError(exhausted ? exhausted.lastError : error);
  const failure = { upstreamCode: last.upstreamCode, upstreamRequestId: last.upstreamRequestId, attempts: exhausted?.attempts ?? 1 };
  switch (last.kind) {
    case 'throttled':
      return new UpstreamThrottledError(failure, 1, error);
    case 'timeout':
      return new UpstreamTimeoutError(
        failure,
        exhausted?.stoppedBy === 'deadline'
          ? `AICCS did not answer before the function's deadline (${failure.attempts} attempts)`
          : `AICCS did not answer in time after ${failure.attempts} attempts`,
        error,
      );
    case 'not-found':
      return new InstanceNotFoundError(instanceId, last.upstreamRequestId);
    case 'permission':
      return new UpstreamPermissionError(failure, error);
    case 'auth':
      return new UpstreamError(
        'UPSTREAM_AUTH_FAILED',
        'AICCS rejected the credentials',
        `AICCS rejected the function's credentials (${last.upstreamCode}); check the function role and the clock`,
        failure,
        error,
      );
    case 'transient':
      return new UpstreamError('UPSTREAM_UNAVAILABLE', 'AICCS failed', `AICCS kept failing (${last.message}) after ${failure.attempts} attempts`, failure, error);
    case 'rejected':
      return new UpstreamError('UPSTREAM_REJECTED', 'AICCS rejected the request', `AICCS rejected the request (${last.upstreamCode ?? 'no code'})`, failure, error);
    default:
      return new UpstreamError('UPSTREAM_BAD_RESPONSE', 'AICCS answered unexpectedly', last.message, failure, error);
  }
}
