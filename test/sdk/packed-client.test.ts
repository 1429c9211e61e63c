import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DEMO_CREDENTIALS, RecordStore, generateCallRecords, startAiccsEmulator, type AiccsEmulator } from '../../dev/aiccs';
import { startFcGateway, type FcEventHandler, type FcGateway } from '../../dev/fc-gateway';
import { buildFreshBundle, type FreshBundle } from '../builders/bundles';

/**
 * The typed client as another function's project gets it: `npm pack` (which builds dist-sdk/ first), installed from the
 * tarball into a consumer project outside this repository (so nothing resolves from our node_modules), then called from
 * plain Node through `import` and `require`, against the real query bundle behind the local FC gateway.
 * The consumer's lockfile is this repository's (the package's dependencies are ours), so `npm ci --prefer-offline`
 * installs from the npm cache that our own `npm ci` filled; only a cache that lacks an entry sends it to the registry.
 */
const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);
const INSTANCE = 'ccc_xp_pre-cn-packed01';
const NOW = Date.UTC(2026, 10, 24);
const CALLER = { accessKeyId: 'STS.PackedCaller01', accessKeySecret: 'packed-caller-secret', securityToken: 'packed-caller-sts-token' };

const LockfileSchema = z.object({ packages: z.record(z.string(), z.looseObject({ dev: z.boolean().optional() })) });
const PackageSchema = z.object({ name: z.string(), version: z.string(), license: z.string(), dependencies: z.record(z.string(), z.string()) });
const ConsumerOutputSchema = z.strictObject({
  module: z.enum(['esm', 'cjs']),
  records: z.number(),
  callTypes: z.array(z.string()),
  totalCount: z.number(),
  invalidFilter: z.string(),
});

let work: string;
let consumer: string;
let tarball: string;
let emulator: AiccsEmulator;
let gateway: FcGateway;
let bundle: FreshBundle;

/** A consumer project that depends on the tarball, with a lockfile pinning the package's dependencies exactly as ours. */
function writeConsumerProject(dir: string, tarballPath: string): void {
  const pkg = PackageSchema.parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  const ours = LockfileSchema.parse(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')));
  const spec = `file:${tarballPath}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarballPath)).digest('base64')}`;
  const runtime = Object.entries(ours.packages).filter(([path, entry]) => path !== '' && entry.dev !== true);
  const packages = {
    '': { name: 'sdk-consumer', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies },
    ...Object.fromEntries(runtime),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'sdk-consumer', private: true, dependencies: { [pkg.name]: spec } }, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify({ name: 'sdk-consumer', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sdk-consumer-'));
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  const { stdout } = await run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, encoding: 'utf8' });
  tarball = join(work, stdout.trim().split('\n').at(-1) ?? '');
  cpSync(join(root, 'test', 'sdk-consumer'), consumer, { recursive: true });
  writeConsumerProject(consumer, tarball);
  await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, encoding: 'utf8' });

  const store = new RecordStore();
  store.add(INSTANCE, generateCallRecords({ instanceId: INSTANCE, seed: 11, from: NOW - 86_400_000, to: NOW, count: 120 }));
  emulator = await startAiccsEmulator({ store, credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true });
  bundle = await buildFreshBundle('query');
  // The bundle reads its environment on first use.
  vi.stubEnv('AICCS_ENDPOINT', emulator.url);
  vi.stubEnv('AICCS_INSTANCE_IDS', INSTANCE);
  vi.stubEnv('LOG_LEVEL', 'error');
  const { handler } = bundle.load<{ handler: FcEventHandler }>();
  gateway = await startFcGateway({
    port: 0,
    httpFunction: 'call-records-query',
    credentials: [CALLER],
    functions: { 'call-records-query': { handler, credentials: { ...DEMO_CREDENTIALS }, timeoutSeconds: 10 } },
  });
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await gateway?.close();
  await emulator?.close();
  bundle?.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed client installed into a consumer project', () => {
  it('ships only the built client: ESM, CommonJS and their declarations', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], { encoding: 'utf8' });
    expect(stdout.trim().split('\n').sort()).toStrictEqual([
      'package/README.md',
      'package/dist-sdk/client.cjs',
      'package/dist-sdk/client.d.cts',
      'package/dist-sdk/client.d.mts',
      'package/dist-sdk/client.mjs',
      'package/package.json',
    ]);
  });

  it.each(['query.mjs', 'query.cjs'])('%s queries the query function through the signed FC API and throws the package’s own errors', async (script) => {
    // Act
    const config = JSON.stringify({ endpoint: gateway.url, functionName: 'call-records-query', credentials: CALLER });
    const { stdout } = await run(process.execPath, [join(consumer, script), config], { cwd: consumer, encoding: 'utf8' });
    // Assert
    const output = ConsumerOutputSchema.parse(JSON.parse(stdout));
    expect(output).toMatchObject({ module: script.endsWith('.mjs') ? 'esm' : 'cjs', records: 3, callTypes: ['inbound'], invalidFilter: 'ValidationError' });
    expect(output.totalCount).toBeGreaterThan(3);
  });

  it('types the client for TypeScript consumers under node16 resolution, from import and from require', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(consumer, 'tsconfig.json'), '--typeRoots', join(root, 'node_modules', '@types')], {
      cwd: consumer,
      encoding: 'utf8',
    }).then(
      () => 'ok',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('ok');
  });
});
