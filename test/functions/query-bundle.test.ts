import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_INSTANCE_ID, createDemoStore, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';
import { startFcGateway, type FcEventHandler, type FcGateway } from '../../dev/fc-gateway';
import { buildFreshBundle, type FreshBundle } from '../builders/bundles';

// The bundle exactly as `npm run build` makes it, built fresh, loaded in this process behind the gateway, talking to the emulator.
let emulator: AiccsEmulator;
let gateway: FcGateway;
let bundle: FreshBundle;

beforeAll(async () => {
  emulator = await startAiccsEmulator({ store: createDemoStore(Date.UTC(2026, 10, 24)), credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true });
  bundle = await buildFreshBundle('query');
  vi.stubEnv('AICCS_ENDPOINT', emulator.url);
  vi.stubEnv('AICCS_INSTANCE_IDS', DEMO_INSTANCE_ID);
  vi.stubEnv('LOG_LEVEL', 'error');
  const { handler } = bundle.load<{ handler: FcEventHandler }>();
  gateway = await startFcGateway({ port: 0, httpFunction: 'query', functions: { query: { handler, credentials: { ...DEMO_CREDENTIALS } } } });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await gateway.close();
  await emulator.close();
  bundle.remove();
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
