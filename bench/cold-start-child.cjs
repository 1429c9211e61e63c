// Runs in a fresh process: require the handler module, serve one query, report timings (ms since process start).
const { performance } = require('node:perf_hooks');
const [modulePath, endpoint, instanceId, credentials] = process.argv.slice(2);
process.env.AICCS_ENDPOINT = endpoint;
process.env.AICCS_INSTANCE_IDS = instanceId;
process.env.LOG_LEVEL = 'error';
const beforeRequire = performance.now();
const { handler } = require(modulePath);
const required = performance.now();
const event = Buffer.from(
  JSON.stringify({
    version: 'v1',
    rawPath: '/',
    body: JSON.stringify({ instanceId, pageSize: 50 }),
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
    requestContext: { requestId: 'cold', http: { method: 'POST', path: '/' } },
  }),
);
handler(event, { requestId: 'cold', credentials: JSON.parse(credentials), function: { timeout: 30 } }).then((result) => {
  const served = performance.now();
  process.stdout.write(
    `${JSON.stringify({ status: result.statusCode, boot: beforeRequire, require: required - beforeRequire, firstRequest: served - required, total: served })}\n`,
  );
});
