export { startFcGateway, type FcEventHandler, type FcGateway, type FcGatewayOptions, type GatewayFunction } from './server';
export { newRequestId, toHttpTriggerEvent } from './http-trigger-event';
export type { AsyncInvocationRecord, AsyncPolicy, AsyncTask, AsyncTaskEvent, AsyncTaskStatus, RetryBackoff } from './async-tasks';
export { matchTaskPath, type TaskTarget } from './task-api';
export { acs3CanonicalRequest, acs3Signature, canonicalQuery, verifyAcs3Request } from './acs3-signature';
export { fc2Signature, fc2StringToSign, verifyFc2Request } from './fc2-signature';
export type { AccessKey, SignatureCheck } from './access-keys';
export { matchInvokePath, MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES, type InvokeTarget } from './invoke-api';
