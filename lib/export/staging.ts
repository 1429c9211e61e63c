/**
 * Stage-then-copy publication: only published files are visible to glob readers.
 *
 * A run uploads new data files under `{prefix}/_staging/{runId}/` at the same relative path as their final key,
 * and copies them into the partition (CopyObject, server side) only just before the partition's manifest is
 * written. A run's staging folder holds:
 * - `_run.json` `{ runId, expiresAt }`, written before anything else of the run; `expiresAt` is the run's
 *   deadline plus LEASE_MARGIN_MS, after which the run cannot be alive (its leases have expired too);
 * - the staged data files (never visible to readers of `part-*`: they sit outside every partition);
 * - `<partition>/_publishing`, written before files are copied into that partition and deleted once its manifest
 *   is written and the files it no longer lists are gone. One left behind names a partition that may hold
 *   `part-*` objects its manifest does not list.
 *
 * cleanUpStaging() settles folders: the run's own at its end, and those of runs that can no longer be alive
 * (killed, or crashed before their cleanup). For every partition with a `_publishing` marker it deletes the `part-*`
 * objects the manifest does not list (under that day's lease, so no live run is publishing there), then deletes
 * the folder, `_run.json` last.
 */
import { z } from 'zod';
import type { ObjectStore } from '../adapters/oss/object-store';
import { parseManifest } from '../contracts/manifest';
import { ContentMismatchError } from '../errors';
import { acquireLease, LEASE_MARGIN_MS, runLeaseBounds } from './lease';
import { leasePrefix, manifestKey } from './object-keys';
import type { RunContext } from './types';

/** A data file uploaded to the staging folder, waiting to be copied to `key`. */
export interface StagedFile {
  stagedKey: string;
  key: string;
  md5Hex: string;
  bytes: number;
}

type StagingContext = Pick<RunContext, 'store' | 'settings' | 'runId' | 'now' | 'deadline' | 'logger'>;

const RunMarkerSchema = z.object({ runId: z.string(), expiresAt: z.iso.datetime() });
const RUN_MARKER = '_run.json';
const PUBLISHING = '_publishing';
/** `instance=<id>/dt=<date>/hour=<hh>/` at the start of a path relative to the export prefix. */
const PARTITION_PATH = /^instance=([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//;

const rootOf = (prefix: string) => (prefix === '' ? '' : `${prefix}/`);
export const stagingRoot = (prefix: string) => `${rootOf(prefix)}_staging/`;
export const stagingFolder = (prefix: string, runId: string) => `${stagingRoot(prefix)}${runId}/`;

/** Where a file bound for `key` (a key under the export prefix) is staged by run `runId`. */
export function stagedKeyFor(prefix: string, runId: string, key: string): string {
  return `${stagingFolder(prefix, runId)}${key.slice(rootOf(prefix).length)}`;
}

/** Runs whose `_run.json` has been written, per store: one marker per run, written before its first staged object. */
const markedRuns = new WeakMap<ObjectStore, Set<string>>();

async function ensureRunMarker(ctx: StagingContext): Promise<void> {
  const marked = markedRuns.get(ctx.store) ?? new Set<string>();
  markedRuns.set(ctx.store, marked);
  if (marked.has(ctx.runId)) return;
  const marker = { runId: ctx.runId, expiresAt: new Date(ctx.deadline + LEASE_MARGIN_MS).toISOString() };
  await ctx.store.put(`${stagingFolder(ctx.settings.prefix, ctx.runId)}${RUN_MARKER}`, Buffer.from(JSON.stringify(marker)), {
    contentType: 'application/json',
    createOnly: false,
  });
  marked.add(ctx.runId);
}

/** Uploads one new data file to the staging folder (create-only: a retried upload finds its own bytes). */
export async function stageFile(key: string, file: { body: Buffer; md5Hex: string; md5Base64: string }, contentType: string, ctx: StagingContext): Promise<StagedFile> {
  await ensureRunMarker(ctx);
  const stagedKey = stagedKeyFor(ctx.settings.prefix, ctx.runId, key);
  const outcome = await ctx.store.put(stagedKey, file.body, {
    contentType,
    createOnly: true,
    md5Base64: file.md5Base64,
    multipartThresholdBytes: ctx.settings.multipartThresholdBytes,
    partSizeBytes: ctx.settings.partSizeBytes,
  });
  if (outcome.outcome === 'exists') await verifyObject(ctx.store, stagedKey, file.md5Hex, file.body.length);
  return { stagedKey, key, md5Hex: file.md5Hex, bytes: file.body.length };
}

/** Marks a partition as being published by this run, before anything is copied into it. Returns the marker's key. */
export async function markPublishing(partitionDir: string, ctx: StagingContext): Promise<string> {
  await ensureRunMarker(ctx);
  const marker = `${stagedKeyFor(ctx.settings.prefix, ctx.runId, partitionDir)}${PUBLISHING}`;
  await ctx.store.put(marker, Buffer.from(ctx.runId), { contentType: 'text/plain', createOnly: false });
  return marker;
}

/**
 * Copies staged files to their partition keys and checks each copy is the uploaded file (ETag = MD5; size for
 * multipart uploads, whose ETag is not an MD5). Returns the keys this call created (not those already there).
 * @throws ContentMismatchError, StoreFailedError
 */
export async function promoteStaged(staged: readonly StagedFile[], ctx: Pick<RunContext, 'store'>): Promise<string[]> {
  const created: string[] = [];
  for (const file of staged) {
    const outcome = await ctx.store.copy(file.stagedKey, file.key);
    if (outcome.outcome === 'created') created.push(file.key);
    if (outcome.outcome === 'exists' || outcome.etag !== file.md5Hex) await verifyObject(ctx.store, file.key, file.md5Hex, file.bytes);
  }
  return created;
}

/** Deletes what this run staged for one partition once it is published; failures are left to cleanUpStaging. */
export async function clearStaged(keys: readonly string[], ctx: Pick<RunContext, 'store'>): Promise<void> {
  for (const key of keys) await deleteQuietly(ctx.store, key);
}

/** @throws ContentMismatchError when the object at `key` is not the file with this MD5 and size */
export async function verifyObject(store: ObjectStore, key: string, md5Hex: string, size: number): Promise<void> {
  const head = await store.head(key);
  // Simple uploads have the MD5 as ETag; multipart ones do not, so size must do there.
  const matches = head !== undefined && (head.etag === md5Hex || (head.etag.includes('-') && head.size === size));
  if (!matches) throw new ContentMismatchError(key, head?.etag, md5Hex);
}

export interface StagingCleanup {
  /** Staging folders deleted. */
  folders: number;
  /** Partitions whose unlisted `part-*` objects were looked for. */
  partitions: number;
  /** `part-*` objects deleted because no manifest listed them. */
  removed: number;
}

/**
 * Settles staging folders: this run's own (`own: true`, at the end of the run) and every folder of a run that
 * can no longer be alive. A folder whose partitions cannot be leased now (another run is exporting that day)
 * is left for a later run. Never throws: what fails here is retried by the next run.
 */
export async function cleanUpStaging(ctx: StagingContext, options: { own: boolean }): Promise<StagingCleanup> {
  const result: StagingCleanup = { folders: 0, partitions: 0, removed: 0 };
  const root = stagingRoot(ctx.settings.prefix);
  try {
    const folders = new Map<string, string[]>();
    for (const object of await ctx.store.list(root)) {
      const runId = object.key.slice(root.length).split('/')[0] ?? '';
      folders.set(runId, [...(folders.get(runId) ?? []), object.key]);
    }
    for (const [runId, keys] of folders) {
      if ((runId === ctx.runId) !== options.own) continue;
      if (runId !== ctx.runId && (await isAlive(ctx.store, `${root}${runId}/${RUN_MARKER}`, ctx.now()))) continue;
      const settled = await settleFolder(`${root}${runId}/`, keys, ctx, result);
      if (settled) result.folders++;
    }
  } catch (error) {
    ctx.logger.warn('staging cleanup stopped; the next run continues it', { error: error instanceof Error ? error.message : String(error) });
  }
  if (options.own) markedRuns.get(ctx.store)?.delete(ctx.runId);
  return result;
}

async function isAlive(store: ObjectStore, markerKey: string, now: number): Promise<boolean> {
  const body = await store.get(markerKey);
  if (!body) return false;
  let parsed: ReturnType<typeof RunMarkerSchema.safeParse> | undefined;
  try {
    parsed = RunMarkerSchema.safeParse(JSON.parse(body.toString('utf8')));
  } catch {
    parsed = undefined;
  }
  // The marker is written before anything else of a run and deleted last: no marker, or a damaged one, means no live run.
  return parsed?.success === true && Date.parse(parsed.data.expiresAt) > now;
}

async function settleFolder(folder: string, keys: readonly string[], ctx: StagingContext, result: StagingCleanup): Promise<boolean> {
  const root = rootOf(ctx.settings.prefix);
  for (const key of keys.filter((candidate) => candidate.endsWith(`/${PUBLISHING}`))) {
    const match = PARTITION_PATH.exec(key.slice(folder.length));
    if (!match) continue;
    const [path, instanceId = '', dt = '', hour = ''] = match;
    const lease = await acquireLease({
      store: ctx.store,
      prefix: leasePrefix(ctx.settings.prefix, instanceId, `day=${dt}`),
      owner: ctx.runId,
      ...runLeaseBounds(ctx),
      now: ctx.now,
    });
    if (!lease) return false;
    try {
      result.removed += await removeUnlisted(`${root}${path}`, manifestKey(ctx.settings.prefix, instanceId, { dt, hour }), ctx.store);
      result.partitions++;
    } finally {
      await lease.release();
    }
  }
  const marker = `${folder}${RUN_MARKER}`;
  for (const key of keys) if (key !== marker) await ctx.store.delete(key);
  if (keys.includes(marker)) await ctx.store.delete(marker);
  return true;
}

/** Deletes the `part-*` objects of a partition that its manifest does not list (all of them when it has none). */
async function removeUnlisted(partitionDir: string, manifestObjectKey: string, store: ObjectStore): Promise<number> {
  const body = await store.get(manifestObjectKey);
  const manifest = body ? parseManifest(body) : undefined;
  // A manifest that does not parse is left to a human (CORRUPT_STATE elsewhere); deleting its files would lose data.
  if (body && !manifest) return 0;
  const listed = new Set(manifest?.files.map((file) => file.key) ?? []);
  let removed = 0;
  for (const object of await store.list(partitionDir)) {
    const name = object.key.slice(partitionDir.length);
    if (name.startsWith('part-') && !name.includes('/') && !listed.has(object.key)) {
      await store.delete(object.key);
      removed++;
    }
  }
  return removed;
}

async function deleteQuietly(store: ObjectStore, key: string): Promise<void> {
  try {
    await store.delete(key);
  } catch {
    // Left for cleanUpStaging.
  }
}
