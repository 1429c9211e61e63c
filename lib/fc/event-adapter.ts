import type { Credentials } from '../credentials/credentials';
import { credentialsFromContext, locationFromContext, type FunctionLocation } from './context';
import { DEADLINE_POLICIES, deadlineBefore, invocationEnd, type Deadline } from './deadline';
import type { FcContext } from './types';

/** What the export core needs of an FC event invocation (timer, direct or async), without FC's types. */
export interface EventInvocation {
  requestId: string;
  /** FC's async retry count (0 on the first attempt). */
  retryCount: number;
  startedAt: number;
  /** The role's credentials, or undefined to use the default chain. */
  credentials: Credentials | undefined;
  /** The context's credentials as given (fan-out forwards them). */
  credentialsInput: FcContext['credentials'];
  /** Work stops here (the finish margin is kept for the summary). */
  deadline: Deadline;
  /** Storage calls may run until here: publishing, advancing the watermark and releasing leases must not fail for lack of time. */
  storeDeadline: Deadline;
  location: FunctionLocation;
}

export type EventApp<R> = (event: Buffer, invocation: EventInvocation) => Promise<R>;

/** Adapts an event core to FC 3.0's `handler(event, context)`: the event Buffer as is, the context as EventInvocation. */
export function createFcEventHandler<R>(app: EventApp<R>, now: () => number = Date.now) {
  return async (event: Buffer, context: FcContext): Promise<R> => {
    const startedAt = now();
    const policy = DEADLINE_POLICIES.export;
    const end = invocationEnd(context, startedAt, policy.defaultTimeoutSeconds);
    return app(Buffer.isBuffer(event) ? event : Buffer.from(String(event)), {
      requestId: context.requestId,
      retryCount: context.retryCount ?? 0,
      startedAt,
      credentials: credentialsFromContext(context),
      credentialsInput: context.credentials,
      deadline: deadlineBefore(end, policy.reserveMs, now),
      storeDeadline: deadlineBefore(end, policy.storeReserveMs, now),
      location: locationFromContext(context),
    });
  };
}
