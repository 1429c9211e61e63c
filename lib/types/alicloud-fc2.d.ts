/**
 * The part of @alicloud/fc2 2.6.6 (no bundled types) this project uses:
 * the constructor and `invokeFunction`. Facts from lib/client.js.
 */
declare module '@alicloud/fc2' {
  interface FC2ClientConfig {
    /** Capital "ID". */
    accessKeyID: string;
    accessKeySecret: string;
    /** Sent as x-fc-security-token, and required, only when accessKeyID starts with "STS". */
    securityToken?: string;
    region: string;
    /** Default false (http). */
    secure?: boolean;
    internal?: boolean;
    /** Overrides `http(s)://<accountId>.<region>[-internal].fc.aliyuncs.com`. */
    endpoint?: string;
    /** Per request, ms; default 60000. */
    timeout?: number;
    headers?: Record<string, string>;
  }

  interface FC2Response {
    headers: Record<string, string | string[] | undefined>;
    /** A Buffer with `rawBuf` (unless X-Fc-Error-Type is set); else a string, or parsed JSON for application/json. */
    data: unknown;
  }

  class FC2Client {
    constructor(accountId: string, config: FC2ClientConfig);
    /**
     * POST /2016-08-15/services/{service}[.{qualifier}]/functions/{fn}/invocations.
     * Throws a TypeError synchronously when `event` is neither string nor Buffer;
     * rejects on non-2xx with `name = FC<ErrorCode>Error` and `code`.
     */
    invokeFunction(
      serviceName: string,
      functionName: string,
      event: string | Buffer,
      headers?: Record<string, string>,
      qualifier?: string,
      opts?: { rawBuf?: boolean },
    ): Promise<FC2Response>;
  }

  export default FC2Client;
}
