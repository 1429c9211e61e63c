// Type-checked (never run) under moduleResolution node16: the package's CommonJS declarations resolve and type the client.
import calls = require('aiccs-call-records/client');

const client = calls.createCallRecordsClient({ functionName: 'aiccs-call-records-query', region: 'cn-hangzhou', accountId: '1234567890123456' });
export async function pageCount(): Promise<number> {
  const response: calls.QueryResponse = await client.query({ pageSize: 5 });
  return response.page.totalCount;
}
// @ts-expect-error: pageSize is a number.
client.query({ pageSize: 'five' });
