// The same consumer as query.mjs, through require(): a CommonJS project (FC's default for Node functions).
// Usage: node query.cjs '<json: { endpoint, functionName, credentials }>' → one JSON line on stdout.
'use strict';
const { createCallRecordsClient, ValidationError } = require('aiccs-call-records/client');

async function main() {
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
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
