/**
 * Function Compute 3.0 shapes. This is the only module that names them;
 * the core in lib/query and lib/export never sees FC types.
 */
import { z } from 'zod';
import type { CredentialsInput } from '../credentials/credentials';

/** The HTTP trigger's request event (version v1), as FC 3.0 delivers it. */
export const FcHttpEventSchema = z.looseObject({
  version: z.literal('v1'),
  rawPath: z.string(),
  body: z.string().optional().nullable(),
  isBase64Encoded: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional().nullable(),
  queryParameters: z.record(z.string(), z.string()).optional().nullable(),
  requestContext: z.looseObject({
    accountId: z.string().optional(),
    domainName: z.string().optional(),
    domainPrefix: z.string().optional(),
    requestId: z.string().optional(),
    time: z.string().optional(),
    timeEpoch: z.string().optional(),
    http: z.looseObject({
      method: z.string(),
      path: z.string(),
      protocol: z.string().optional(),
      sourceIp: z.string().optional(),
      userAgent: z.string().optional(),
    }),
  }),
});
export type FcHttpEvent = z.infer<typeof FcHttpEventSchema>;

/** What the handler returns for an HTTP trigger. */
export interface FcHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** FC's `context.credentials`: the role's STS triple, or `{}` without a role (the project's one credential input shape). */
export type FcCredentials = CredentialsInput;

/** The parts of the FC context this project reads. */
export interface FcContext {
  requestId: string;
  credentials?: FcCredentials;
  function?: { name?: string; handler?: string; memory?: number; timeout?: number };
  region?: string;
  accountId?: string;
  retryCount?: number;
  logger?: unknown;
}

export type FcHandler<R> = (event: Buffer, context: FcContext) => Promise<R>;
