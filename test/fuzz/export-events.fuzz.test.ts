import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INSTANCE_ID_PATTERN } from '../../lib/contracts/instance-id';
import { ConfigError } from '../../lib/errors';
import { loadExportConfig } from '../../lib/export/config';
import { ValidationError } from '../../lib/errors';
import { parseExportEvent } from '../../lib/export/events';
import { createExportFunction } from '../../lib/export/export-function';
import { dataFileKey, manifestKey, partitionOf, stateKey } from '../../lib/export/object-keys';
import { silentLogger } from '../../lib/log/logger';
import { aContext } from '../builders/fc';
import { MemoryStore } from '../fakes/memory-store';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const ALLOWED = ['ccc_xp_pre-cn-a1'];

const iso = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2026-11-01', '2026-11-01T00:00:00', 'yesterday', '', '2026-13-01T00:00:00Z', '2026-11-01T00:00:00+08:00'),
);
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  iso,
  fc.constantFrom('ccc_xp_pre-cn-a1', '../x', 'a/b', 'csv', 'jsonl', 'parquet'),
);
const eventLike = fc.oneof(
  fc.record({ instanceId: nasty, from: nasty, to: nasty }, { requiredKeys: [] }),
  fc.record({ instanceId: nasty, from: iso, to: iso, format: nasty, force: nasty }, { requiredKeys: ['instanceId', 'from', 'to'] }),
  fc.record(
    {
      triggerTime: fc.oneof(iso, nasty),
      triggerName: nasty,
      payload: fc.oneof(
        nasty,
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.constantFrom('{"instanceIds":["../../etc"]}', '{"instanceIds":[]}', '{"format":"xml"}', '{oops'),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'instanceId', 'triggerTime', 'from'), nasty),
);
const rawEvent = fc.oneof(
  eventLike.map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe(`export events under ${RUNS} generated inputs`, () => {
  it('either parses into a request or fails with ValidationError naming the problem; never anything else', () => {
    fc.assert(
      fc.property(rawEvent, (text) => {
        try {
          const request = parseExportEvent(Buffer.from(text), ALLOWED);
          if (request.mode === 'backfill') {
            expect(ALLOWED).toContain(request.instanceId);
            expect(request.range.to).toBeGreaterThan(request.range.from);
          } else {
            for (const id of request.instanceIds) expect(ALLOWED).toContain(id);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('answers an invalid event without touching storage, so the watermark stays as it was', async () => {
    const store = new MemoryStore();
    const watermark = Buffer.from(JSON.stringify({ instanceId: ALLOWED[0], watermark: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:10:00Z', runId: 'r0' }));
    store.objects.set('aiccs-call-records/_state/instance=ccc_xp_pre-cn-a1.json', watermark);
    const handler = createExportFunction({
      env: { AICCS_ENDPOINT: 'http://127.0.0.1:9', EXPORT_INSTANCE_IDS: ALLOWED.join(','), OSS_REGION: 'oss-cn-hangzhou', OSS_BUCKET: 'cdr-export' },
      logger: silentLogger,
      storeFor: () => store,
    });
    await fc.assert(
      fc.asyncProperty(rawEvent, async (text) => {
        let valid = true;
        try {
          parseExportEvent(Buffer.from(text), ALLOWED);
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        await expect(handler(Buffer.from(text), aContext())).rejects.toBeInstanceOf(ValidationError);
        expect(store.calls).toStrictEqual([]);
        expect(store.objects.get('aiccs-call-records/_state/instance=ccc_xp_pre-cn-a1.json')).toStrictEqual(watermark);
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  });
});

describe('values that become OSS keys', () => {
  const segmentChars = fc.constantFrom('a', 'Z', '0', '_', '-', '.', '=', '/', '\\', '..', '%2e', '?', '#', ' ', '\n', '\u0000', '中');
  const candidate = fc.array(segmentChars, { maxLength: 12 }).map((parts) => parts.join(''));

  it('accept only prefixes and instance ids that keep every key inside the prefix', () => {
    fc.assert(
      fc.property(candidate, candidate, (prefix, instanceId) => {
        let settings: ReturnType<typeof loadExportConfig>['settings'];
        try {
          settings = loadExportConfig({
            EXPORT_INSTANCE_IDS: 'ccc_xp_pre-cn-a1',
            OSS_REGION: 'oss-cn-hangzhou',
            OSS_BUCKET: 'cdr-export',
            EXPORT_PREFIX: prefix,
          }).settings;
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          return;
        }
        fc.pre(INSTANCE_ID_PATTERN.test(instanceId));
        const hour = { from: Date.UTC(2026, 10, 1, 5), to: Date.UTC(2026, 10, 1, 6) };
        for (const key of [
          dataFileKey(settings.prefix, instanceId, hour, 0, '0'.repeat(32), 'jsonl'),
          manifestKey(settings.prefix, instanceId, partitionOf(hour.from)),
          stateKey(settings.prefix, instanceId),
        ]) {
          const segments = key.split('/');
          expect(segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..')).toBe(true);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL in a key is exactly what this property rules out.
          expect(key).not.toMatch(/[\\?#\s\u0000]/);
          if (settings.prefix !== '') expect(key.startsWith(`${settings.prefix}/`)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
