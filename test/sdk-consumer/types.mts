// Type-checked (never run) under moduleResolution node16: the package's ESM declarations resolve and type the client.
import { type CallRecord, type QueryResponse, createCallRecordsClient, CallRecordsProblemError } from 'aiccs-call-records/client';

const client = createCallRecordsClient({ functionName: 'aiccs-call-records-query', region: 'cn-hangzhou', accountId: '1234567890123456' });
export async function firstInbound(): Promise<CallRecord | undefined> {
  const response: QueryResponse = await client.query({ callType: 'inbound', pageSize: 5 });
  return response.records[0];
}
export const isProblem = (error: unknown): error is CallRecordsProblemError => error instanceof CallRecordsProblemError;
// @ts-expect-error: the filter type rejects an unknown call type.
client.query({ callType: 'sideways' });
