// A consumer of the packed package, as another function's project would use it: plain Node, ES module, no TypeScript loader.
// Usage: node query.mjs '<json: { endpoint, functionName, credentials }>' → one JSON line on stdout.
import { createCallRecordsClient, ValidationError } from 'aiccs-call-records/client';

const { endpoint, functionName, credentials } = JSON.parse(process.argv[2] ?? '{}');
const client = createCallRecordsClient({ functionName, region: 'cn-hangzhou', accountId: '1234567890123456', endpoint, credentials, timeoutMs: 10_000 });
const response = await client.query({ callType: 'inbound', pageSize: 3 });
const rejected = await client.query({ pageSize: 500 }).catch((error) => error);
process.stdout.write(
  `${JSON.stringify({
    module: typeof require === 'undefined' ? 'esm' : 'cjs',
    records: response.records.length,
    callTypes: [...new Set(response.records.map((record) => record.callType))],
    totalCount: response.page.totalCount,
    invalidFilter: rejected instanceof ValidationError ? rejected.name : String(rejected),
  })}\n`,
);
