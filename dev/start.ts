/**
 * `npm start`: the embedded local stack. Starts the AICCS emulator (seeded
 * demo data, signatures verified) and the FC gateway on 127.0.0.1:9000 in
 * front of the BUILT query bundle (dist/query/index.js), runs a demo query
 * through it, and prints what to paste next.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID, SECOND_INSTANCE_ID, createDemoStore, startAiccsEmulator } from './aiccs';
import { startFcGateway, type FcEventHandler } from './fc-gateway';

const root = new URL('..', import.meta.url).pathname;
const gatewayPort = Number(process.env['FC_GATEWAY_PORT'] ?? 9000);
const emulatorPort = Number(process.env['AICCS_EMULATOR_PORT'] ?? 0);

async function main() {
  const bundle = join(root, 'dist', 'query', 'index.js');
  if (!existsSync(bundle)) throw new Error('dist/query/index.js is missing: run `npm run build` first (npm start does)');

  const emulator = await startAiccsEmulator({ port: emulatorPort, store: createDemoStore(), credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true });
  // The bundle reads its configuration at load time, like on FC.
  process.env['AICCS_ENDPOINT'] = emulator.url;
  process.env['AICCS_INSTANCE_IDS'] = `${DEMO_INSTANCE_ID},${SECOND_INSTANCE_ID}`;
  process.env['LOG_LEVEL'] ??= 'info';
  const { handler } = createRequire(import.meta.url)(bundle) as { handler: FcEventHandler };

  const gateway = await startFcGateway({
    port: gatewayPort,
    httpFunction: 'aiccs-query',
    functions: { 'aiccs-query': { handler, timeoutSeconds: 30, credentials: { ...DEMO_CREDENTIALS } } },
  });

  const demoFilter = { instanceId: DEMO_INSTANCE_ID, callType: 'inbound', pageSize: 5 };
  const response = await fetch(`${gateway.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(demoFilter) });
  const body = (await response.json()) as { records?: Array<Record<string, unknown>>; page?: { totalCount: number } };
  const first = body.records?.[0];

  const lines = [
    '',
    'Local stack is up (Ctrl-C to stop)',
    `  AICCS emulator   ${emulator.url}  (${emulator.store.count(DEMO_INSTANCE_ID)} + ${emulator.store.count(SECOND_INSTANCE_ID)} demo records, signatures verified)`,
    `  Query function   ${gateway.url}/  (FC 3.0 gateway → dist/query/index.js)`,
    `  Demo instance    ${DEMO_INSTANCE_ID}`,
    '',
    `Demo query: HTTP ${response.status}, ${body.records?.length ?? 0} of ${body.page?.totalCount ?? '?'} inbound calls` +
      (first ? `; newest ${String(first['createTime'])} ${String(first['servicerName'] ?? '')} ${String(first['callResult'] ?? '')}` : ''),
    '',
    'Try:',
    `  curl -s ${gateway.url}/ -H 'content-type: application/json' -d '${JSON.stringify({ instanceId: DEMO_INSTANCE_ID, callType: 'inbound', pageSize: 3 })}'`,
    `  curl -s ${gateway.url}/ -H 'content-type: application/json' -H 'accept: text/csv' -d '${JSON.stringify({ instanceId: DEMO_INSTANCE_ID, all: true, limit: 200 })}'`,
    `  curl -s ${gateway.url}/openapi.json`,
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);

  const stop = async () => {
    await gateway.close();
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
