import { credentialsFrom, type Credentials } from '../credentials/credentials';
import type { FcContext } from './types';

/**
 * The function role's STS triple from the FC context, or undefined when the
 * function has no role (FC passes `{}`) or the invocation is local: the
 * callers then use the default credential chain.
 */
export function credentialsFromContext(context: FcContext): Credentials | undefined {
  return credentialsFrom(context.credentials);
}

/** Where this function runs, for invoking itself (fan-out): from the context. */
export interface FunctionLocation {
  functionName: string | undefined;
  accountId: string | undefined;
  region: string | undefined;
}

export function locationFromContext(context: FcContext): FunctionLocation {
  return { functionName: context.function?.name, accountId: context.accountId, region: context.region };
}
