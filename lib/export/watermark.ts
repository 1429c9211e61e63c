import { z } from 'zod';
import type { ObjectStore } from '../adapters/oss/object-store';
import { CorruptStateError } from '../errors';

/** `_state/instance=<id>.json`: where the incremental export of an instance stands. */
export const WatermarkStateSchema = z.object({
  instanceId: z.string(),
  /** Everything before this instant (UTC, whole hour) is exported. */
  watermark: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  runId: z.string(),
});
export type WatermarkState = z.infer<typeof WatermarkStateSchema>;

/** Reads the watermark; undefined before the first run. A damaged state object is an error, never a silent restart. */
export async function readWatermark(store: ObjectStore, key: string): Promise<number | undefined> {
  const body = await store.get(key);
  if (!body) return undefined;
  let parsed: ReturnType<typeof WatermarkStateSchema.safeParse>;
  try {
    parsed = WatermarkStateSchema.safeParse(JSON.parse(body.toString('utf8')));
  } catch {
    throw new CorruptStateError(`Export state \`${key}\` is not valid JSON; fix or delete it to restart from the lookback window`);
  }
  if (!parsed.success) throw new CorruptStateError(`Export state \`${key}\` does not match its schema (${parsed.error.issues[0]?.path.join('.')}); fix or delete it`);
  return Date.parse(parsed.data.watermark);
}

export async function writeWatermark(store: ObjectStore, key: string, state: WatermarkState): Promise<void> {
  await store.put(key, Buffer.from(`${JSON.stringify(state, null, 2)}\n`), { contentType: 'application/json', createOnly: false });
}
