import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID, createDemoStore, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';
import { startFcGateway, type FcEventHandler, type FcGateway } from '../../dev/fc-gateway';

// The bundle exactly as `npm run build` makes it, loaded in this process behind the gateway, talking to the emulator.
let emulator: AiccsEmulator;
let gateway: FcGateway;
let outDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  emulator = await startAiccsEmulator({ store: createDemoStore(Date.UTC(2026, 10, 24)), credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true });
  outDir = mkdtempSync(join(tmpdir(), 'query-bundle-'));
  await build({
    entryPoints: [new URL('../../functions/query/index.ts', import.meta.url).pathname],
    outfile: join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    external: ['proxy-agent'],
    logLevel: 'silent',
  });
  writeFileSync(join(outDir, 'package.json'), '{"type":"commonjs"}');
  process.env['AICCS_ENDPOINT'] = emulator.url;
  process.env['AICCS_INSTANCE_IDS'] = DEMO_INSTANCE_ID;
  process.env['LOG_LEVEL'] = 'error';
  const { handler } = createRequire(import.meta.url)(join(outDir, 'index.js')) as { handler: FcEventHandler };
  gateway = await startFcGateway({ port: 0, httpFunction: 'query', functions: { query: { handler, credentials: { ...DEMO_CREDENTIALS } } } });
});

afterAll(async () => {
  process.env = savedEnv;
  await gateway.close();
  await emulator.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe('the built query bundle behind the local FC gateway', () => {
  it('answers a real HTTP query with normalized records', async () => {
    const response = await fetch(`${gateway.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callType: 'inbound', pageSize: 5 }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { records: Array<Record<string, unknown>>; page: { totalCount: number } };
    expect(body.records).toHaveLength(5);
    expect(body.records.every((record) => record['callType'] === 'inbound' && record['instanceId'] === DEMO_INSTANCE_ID)).toBe(true);
    expect(body.page.totalCount).toBeGreaterThan(5);
    expect(response.headers.get('x-request-id')).toBe(response.headers.get('x-fc-request-id'));
  });

  it('streams CSV and serves the OpenAPI document', async () => {
    const csv = await fetch(`${gateway.url}/`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/csv' }, body: '{"pageSize":2}' });
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^instanceId,id,acid,/);
    const doc = await fetch(`${gateway.url}/openapi.json`);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('answers problem+json for bad input over HTTP', async () => {
    const response = await fetch(`${gateway.url}/`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
