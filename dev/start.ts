/**
 * `npm start`: the embedded local stack. Starts the AICCS emulator (seeded
 * demo data, signatures verified), the OSS-protocol server (disk-backed
 * under .data/oss) and the FC gateway on 127.0.0.1:9000 in front of the
 * BUILT bundles (dist/<function>/index.js), runs a demo query and a demo
 * export through them, and prints what to paste next.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID, SECOND_INSTANCE_ID, createDemoStore, startAiccsEmulator } from './aiccs';
import { startFcGateway, type FcEventHandler } from './fc-gateway';
import { LOCAL_STACK_FILE, writeLocalStack } from './local-stack';
import { startOssServer } from './oss';

const root = new URL('..', import.meta.url).pathname;
const gatewayPort = Number(process.env['FC_GATEWAY_PORT'] ?? 9000);
const emulatorPort = Number(process.env['AICCS_EMULATOR_PORT'] ?? 9100);
const ossPort = Number(process.env['OSS_SERVER_PORT'] ?? 9200);
const OSS_BUCKET = 'cdr-export';
const EXPORT_PREFIX = 'aiccs-call-records';

async function main() {
  const bundles = { query: join(root, 'dist', 'query', 'index.js'), export: join(root, 'dist', 'export', 'index.js') };
  for (const bundle of Object.values(bundles)) {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (npm start does)`);
  }

  const instanceIds = [DEMO_INSTANCE_ID, SECOND_INSTANCE_ID];
  const emulator = await startAiccsEmulator({ port: emulatorPort, store: createDemoStore(), credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true });
  const oss = await startOssServer({
    port: ossPort,
    buckets: [OSS_BUCKET],
    credentials: [{ ...DEMO_CREDENTIALS }],
    storage: { kind: 'disk', dir: join(root, '.data', 'oss') },
  });
  // The bundles read their configuration when first used, like on FC.
  Object.assign(process.env, {
    AICCS_ENDPOINT: emulator.url,
    AICCS_INSTANCE_IDS: instanceIds.join(','),
    EXPORT_INSTANCE_IDS: instanceIds.join(','),
    OSS_REGION: oss.region,
    OSS_BUCKET,
    OSS_ENDPOINT: oss.url,
    EXPORT_PREFIX,
    // Fan-out backfills invoke the export function through this gateway, as they would through FC.
    EXPORT_INVOKE_ENDPOINT: `http://127.0.0.1:${gatewayPort}`,
  });
  process.env['LOG_LEVEL'] ??= 'info';
  const load = (bundle: string) => (createRequire(import.meta.url)(bundle) as { handler: FcEventHandler }).handler;
  const handlers = { query: load(bundles.query), export: load(bundles.export) };

  const gateway = await startFcGateway({
    port: gatewayPort,
    httpFunction: 'aiccs-query',
    functions: {
      'aiccs-query': { handler: handlers.query, timeoutSeconds: 30, credentials: { ...DEMO_CREDENTIALS } },
      'aiccs-export': { handler: handlers.export, timeoutSeconds: 900, memoryMb: 1024, credentials: { ...DEMO_CREDENTIALS } },
    },
  });
  writeLocalStack({
    gatewayUrl: gateway.url,
    aiccsUrl: emulator.url,
    ossUrl: oss.url,
    ossRegion: oss.region,
    ossBucket: OSS_BUCKET,
    exportPrefix: EXPORT_PREFIX,
    instanceIds,
    pid: process.pid,
  });

  const demoFilter = { instanceId: DEMO_INSTANCE_ID, callType: 'inbound', pageSize: 5 };
  const response = await fetch(`${gateway.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(demoFilter) });
  const body = (await response.json()) as { records?: Array<Record<string, unknown>>; page?: { totalCount: number } };
  const first = body.records?.[0];

  // The main job: yesterday (UTC) exported by the built export bundle into the local OSS server.
  const exportHandler = handlers.export;
  const exportStarted = Date.now();
  const exportSummary = (await exportHandler(Buffer.from(JSON.stringify({ instanceId: DEMO_INSTANCE_ID, from: dayBefore(1), to: dayBefore(0) })), {
    requestId: `local-start-${exportStarted}`,
    credentials: { ...DEMO_CREDENTIALS },
    function: { name: 'aiccs-export', timeout: 900 },
  })) as { status: string; totals: { records: number; objects: number; bytes: number } };

  const lines = [
    '',
    'Local stack is up (Ctrl-C to stop)',
    `  AICCS emulator   ${emulator.url}  (${emulator.store.count(DEMO_INSTANCE_ID)} + ${emulator.store.count(SECOND_INSTANCE_ID)} demo records, signatures verified)`,
    `  OSS server       ${oss.url}  (bucket ${OSS_BUCKET}, files under .data/oss/${OSS_BUCKET}/)`,
    `  Query function   ${gateway.url}/  (FC 3.0 gateway → dist/query/index.js)`,
    `  Demo instance    ${DEMO_INSTANCE_ID}`,
    '',
    `Demo query: HTTP ${response.status}, ${body.records?.length ?? 0} of ${body.page?.totalCount ?? '?'} inbound calls` +
      (first ? `; newest ${String(first['createTime'])} ${String(first['servicerName'] ?? '')} ${String(first['callResult'] ?? '')}` : ''),
    `Demo export: ${exportSummary.status}, ${exportSummary.totals.records} records of ${dayBefore(1).slice(0, 10)} in ${Date.now() - exportStarted} ms → .data/oss/${OSS_BUCKET}/${EXPORT_PREFIX}/instance=${DEMO_INSTANCE_ID}/dt=${dayBefore(1).slice(0, 10)}/`,
    '',
    'Try:',
    `  curl -s ${gateway.url}/ -H 'content-type: application/json' -d '${JSON.stringify({ instanceId: DEMO_INSTANCE_ID, callType: 'inbound', pageSize: 3 })}'`,
    `  curl -s ${gateway.url}/ -H 'content-type: application/json' -H 'accept: text/csv' -d '${JSON.stringify({ instanceId: DEMO_INSTANCE_ID, all: true, limit: 200 })}'`,
    `  curl -s ${gateway.url}/openapi.json`,
    `  npm run export -- --instance ${DEMO_INSTANCE_ID} --from ${dayBefore(1)} --to ${dayBefore(0)}`,
    '',
    `(stack details for other tools: ${LOCAL_STACK_FILE})`,
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);

  const stop = async () => {
    await gateway.close();
    await emulator.close();
    await oss.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** Midnight UTC `days` days ago, ISO 8601. */
function dayBefore(days: number): string {
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  return new Date(midnight.getTime() - days * 86_400_000).toISOString().replace('.000Z', 'Z');
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
