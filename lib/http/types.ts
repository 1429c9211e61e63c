import type { Credentials } from '../credentials/credentials';

/** A transport-neutral HTTP request, as the core sees it. */
export interface HttpRequest {
  method: string;
  path: string;
  /** Lower-cased names; multi-valued headers stay comma-joined, as FC delivers them. */
  headers: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Facts about one invocation the core needs: who, until when, with which credentials. */
export interface Invocation {
  requestId: string;
  /** Epoch ms after which no new upstream attempt may start. */
  deadline: number;
  /** Aborts at `deadline`: upstream calls in flight are cancelled. */
  signal?: AbortSignal | undefined;
  /** The caller's credentials (FC role), or undefined to use the default chain. */
  credentials: Credentials | undefined;
  /** How the request arrived: through an HTTP trigger or as a direct invocation. */
  source: 'http' | 'invoke';
}
