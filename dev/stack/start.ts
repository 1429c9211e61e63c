/**
 * `npm start`: the embedded local stack. Starts the AICCS emulator (seeded
 * demo data for the 7 days before now, regenerated on every start,
 * signatures verified), the OSS-protocol server (disk-backed under
 * .data/oss) and the FC gateway in front of the BUILT bundles
 * (dist/<function>/index.js), runs a demo query and a demo export through
 * them, and prints what to paste next. Ports: FC_GATEWAY_PORT (9000),
 * AICCS_EMULATOR_PORT (9100), OSS_SERVER_PORT (9200); a port in use stops
 * it before anything starts, naming the variable.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID, SECOND_INSTANCE_ID, createDemoStore, startAiccsEmulator } from '../aiccs';
import { startFcGateway, type FcEventHandler } from '../fc-gateway';
import { LOCAL_STACK_FILE, writeLocalStack } from './local-stack';
import { readFunctionConfig } from './function-config';
import { assertPortsFree, portError, readStackPorts } from './ports';
import { startOssServer } from '../oss';

const root = new URL('../..', import.meta.url).pathname;
const OSS_BUCKET = 'cdr-export';
// One prefix holds one format (its _schema.json): `EXPORT_FORMAT=parquet EXPORT_PREFIX=… npm start` keeps formats apart.
const EXPORT_PREFIX = process.env['EXPORT_PREFIX'] ?? 'aiccs-call-records';

async function main() {
  const ports = readStackPorts();
  await assertPortsFree(ports);
  const gatewayPort = ports.FC_GATEWAY_PORT;
  const bundles = { query: join(root, 'dist', 'query', 'index.js'), export: join(root, 'dist', 'export', 'index.js') };
  for (const bundle of Object.values(bundles)) {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (npm start does)`);
  }

  const instanceIds = [DEMO_INSTANCE_ID, SECOND_INSTANCE_ID];
  const dataTo = Date.now();
  const emulator = await startAiccsEmulator({
    port: ports.AICCS_EMULATOR_PORT,
    store: createDemoStore(dataTo),
    credentials: [{ ...DEMO_CREDENTIALS }],
    requireSecurityToken: true,
  }).catch((error: unknown) => {
    throw portError(error, 'AICCS_EMULATOR_PORT', 'AICCS emulator', ports.AICCS_EMULATOR_PORT);
  });
  const oss = await startOssServer({
    port: ports.OSS_SERVER_PORT,
    buckets: [OSS_BUCKET],
    credentials: [{ ...DEMO_CREDENTIALS }],
    storage: { kind: 'disk', dir: join(root, '.data', 'oss') },
  }).catch((error: unknown) => {
    throw portError(error, 'OSS_SERVER_PORT', 'OSS server', ports.OSS_SERVER_PORT);
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
    // Jobs dispatch their ranges and continuations to this gateway, as they would to FC. Set before the bundles load:
    // each reads its configuration at cold start (module scope), like on FC.
    EXPORT_INVOKE_ENDPOINT: `http://127.0.0.1:${gatewayPort}`,
  });
  process.env['LOG_LEVEL'] ??= 'info';
  const load = (bundle: string) => (createRequire(import.meta.url)(bundle) as { handler: FcEventHandler }).handler;
  const handlers = { query: load(bundles.query), export: load(bundles.export) };

  // Timeout, memory, reservedConcurrency and async retries as deployed (s.yaml); the local names stay short.
  const sYaml = join(root, 's.yaml');
  const runConfig = (resource: string) => {
    const config = readFunctionConfig(sYaml, resource);
    return {
      ...(config.timeoutSeconds === undefined ? {} : { timeoutSeconds: config.timeoutSeconds }),
      ...(config.memoryMb === undefined ? {} : { memoryMb: config.memoryMb }),
      ...(config.reservedConcurrency === undefined ? {} : { reservedConcurrency: config.reservedConcurrency }),
      maxAsyncRetryAttempts: config.maxAsyncRetryAttempts,
    };
  };
  const exportConfig = runConfig('export');
  const gateway = await startFcGateway({
    port: gatewayPort,
    httpFunction: 'aiccs-query',
    functions: {
      'aiccs-query': { handler: handlers.query, ...runConfig('query'), credentials: { ...DEMO_CREDENTIALS } },
      'aiccs-export': { handler: handlers.export, ...exportConfig, credentials: { ...DEMO_CREDENTIALS } },
    },
    // FC retries failed async runs after a pause; a second keeps a local retry quick yet spaced.
    asyncRetryDelayMs: 1000,
    asyncRetryMaxDelayMs: 30_000,
  }).catch((error: unknown) => {
    throw portError(error, 'FC_GATEWAY_PORT', 'FC gateway', gatewayPort);
  });
  writeLocalStack({
    gatewayUrl: gateway.url,
    aiccsUrl: emulator.url,
    ossUrl: oss.url,
    ossRegion: oss.region,
    ossBucket: OSS_BUCKET,
    exportPrefix: EXPORT_PREFIX,
    instanceIds,
    exportFunction: 'aiccs-export',
    dataFrom: new Date(dataTo - DEMO_DATA_DAYS * 86_400_000).toISOString(),
    dataTo: new Date(dataTo).toISOString(),
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

  const example = exampleExportRange(dataTo);
  const lateHour = hourStartBefore(dataTo, 3);
  const lines = [
    '',
    'Local stack is up (Ctrl-C to stop)',
    `  AICCS emulator   ${emulator.url}  (${emulator.store.count(DEMO_INSTANCE_ID)} + ${emulator.store.count(SECOND_INSTANCE_ID)} demo records, signatures verified)`,
    `  Demo data        ${new Date(dataTo - DEMO_DATA_DAYS * 86_400_000).toISOString()} … ${new Date(dataTo).toISOString()} (the ${DEMO_DATA_DAYS} days before this start; regenerated on every start)`,
    `  OSS server       ${oss.url}  (bucket ${OSS_BUCKET}, files under .data/oss/${OSS_BUCKET}/)`,
    `  Query function   ${gateway.url}/  (FC 3.0 gateway → dist/query/index.js)`,
    `  Export function  aiccs-export (dist/export/index.js): reservedConcurrency ${exportConfig.reservedConcurrency ?? 'none'}, maxAsyncRetryAttempts ${exportConfig.maxAsyncRetryAttempts}, timeout ${exportConfig.timeoutSeconds ?? 30} s (from s.yaml)`,
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
    `  npm run export -- --instance ${DEMO_INSTANCE_ID} --from ${example.from} --to ${example.to}     # 3 days with data, fans out`,
    '  npm run timer                                  # one scheduled (incremental) export run, as the hourly timer trigger does',
    `  npm run dev:late -- --hour ${lateHour} --count 5              # records arrive late in an hour already exported`,
    `  npm run dev:change -- --hour ${lateHour} --set EvaluationLevel=1 --set EvaluationScore=1   # satisfaction set after hang-up`,
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

/** How far back the demo data goes (createDemoStore). */
const DEMO_DATA_DAYS = 7;

/**
 * An `npm run export` range that has demo data: the three whole UTC days
 * before today's midnight, inside the 7 days the emulator generated.
 */
function exampleExportRange(now: number): { from: string; to: string } {
  const midnight = Math.floor(now / 86_400_000) * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return { from: iso(midnight - 3 * 86_400_000), to: iso(midnight) };
}

/** Start of the UTC hour `hours` hours before the one containing `now`, ISO 8601. */
function hourStartBefore(now: number, hours: number): string {
  return new Date((Math.floor(now / 3_600_000) - hours) * 3_600_000).toISOString().replace('.000Z', 'Z');
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
