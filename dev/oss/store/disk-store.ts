/**
 * Disk-backed {@link ObjectStore}: each object is a plain file at
 * `<dir>/<bucket>/<key>` so a person can open it (e.g. `zcat` an export), and its
 * metadata is a JSON sidecar at `<dir>/.oss-meta/<bucket>/<sha256(key)>.json`.
 * Hashed sidecar names cannot collide with any key; bucket names never start
 * with a dot, so `.oss-meta` and `.oss-tmp` cannot collide with a bucket.
 */

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { OssError } from '../errors';
import { compareKeys } from '../key-order';
import { buildObjectMeta } from '../object-meta';
import type { OssObjectMeta, OssStoredObject } from '../types';
import type { ObjectStore, StoreEntry } from './object-store';

interface Sidecar {
  readonly key: string;
  readonly meta: OssObjectMeta;
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function isSidecar(value: unknown): value is Sidecar {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const meta = record['meta'];
  return typeof record['key'] === 'string' && typeof meta === 'object' && meta !== null && 'etag' in meta;
}

/**
 * Why a key cannot become a path under the bucket directory, or undefined if it can.
 * Empty, `.` and `..` segments would alias or escape; NUL and backslash are not
 * portable path characters.
 */
export function diskKeyProblem(key: string): string | undefined {
  const segments = key.split('/');
  const bad = segments.find((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad !== undefined) {
    return `Key ${JSON.stringify(key)} cannot be stored on disk: it has an empty, "." or ".." path segment, which would alias another path or escape the storage directory.`;
  }
  if (/[\0\\]/.test(key)) {
    return `Key ${JSON.stringify(key)} cannot be stored on disk: NUL and backslash are not allowed in file paths.`;
  }
  return undefined;
}

/** Objects as real files under a directory, surviving restarts. */
export class DiskStore implements ObjectStore {
  private readonly root: string;
  private readonly index = new Map<string, Map<string, OssObjectMeta>>();

  /**
   * Open (and create if needed) the storage directory, index existing sidecars,
   * and adopt data files that have none (e.g. copied in by hand).
   */
  constructor(dir: string, bucketNames: readonly string[]) {
    this.root = resolve(dir);
    rmSync(this.tmpDir(), { recursive: true, force: true });
    mkdirSync(this.tmpDir(), { recursive: true });
    for (const bucket of bucketNames) {
      mkdirSync(this.bucketDir(bucket), { recursive: true });
      mkdirSync(this.metaDir(bucket), { recursive: true });
      this.index.set(bucket, new Map());
      this.loadBucket(bucket);
    }
  }

  private tmpDir(): string {
    return join(this.root, '.oss-tmp');
  }

  private bucketDir(bucket: string): string {
    return join(this.root, bucket);
  }

  private metaDir(bucket: string): string {
    return join(this.root, '.oss-meta', bucket);
  }

  private sidecarPath(bucket: string, key: string): string {
    return join(this.metaDir(bucket), `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`);
  }

  private bucketIndex(bucket: string): Map<string, OssObjectMeta> {
    const found = this.index.get(bucket);
    if (found === undefined) throw new Error(`Bucket ${JSON.stringify(bucket)} is not configured on this OSS test server.`);
    return found;
  }

  /**
   * The file path of a key, guaranteed to lie inside the bucket directory.
   *
   * @throws OssError `InvalidObjectName` for keys that cannot be mapped safely.
   */
  private dataPath(bucket: string, key: string): string {
    const problem = diskKeyProblem(key);
    if (problem !== undefined) throw new OssError('InvalidObjectName', { message: problem });
    const base = this.bucketDir(bucket);
    const file = resolve(base, ...key.split('/'));
    // Defence in depth: diskKeyProblem already excludes every escaping segment.
    if (!file.startsWith(base + sep)) {
      throw new OssError('InvalidObjectName', { message: `Key ${JSON.stringify(key)} resolves outside the bucket directory.` });
    }
    return file;
  }

  /** Refuse to follow a symlinked directory out of the bucket. */
  private assertInsideBucket(bucket: string, directory: string, key: string): void {
    const realBase = realpathSync(this.bucketDir(bucket));
    const realDir = realpathSync(directory);
    if (realDir !== realBase && !realDir.startsWith(realBase + sep)) {
      throw new OssError('InvalidObjectName', {
        message: `Key ${JSON.stringify(key)} leads through a symbolic link out of the bucket directory.`,
      });
    }
  }

  private conflict(key: string, cause: string): OssError {
    return new OssError('InvalidObjectName', {
      message: `Key ${JSON.stringify(key)} cannot be stored on disk: ${cause}. Disk storage maps keys to file paths, so a key cannot be both a file and a directory; use memory storage for such key sets.`,
    });
  }

  private writeAtomically(file: string, data: Buffer | string): void {
    const tmp = join(this.tmpDir(), randomUUID());
    writeFileSync(tmp, data);
    try {
      renameSync(tmp, file);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }

  private writeSidecar(bucket: string, key: string, meta: OssObjectMeta): void {
    const sidecar: Sidecar = { key, meta };
    this.writeAtomically(this.sidecarPath(bucket, key), `${JSON.stringify(sidecar, null, 2)}\n`);
  }

  private adopt(bucket: string, key: string, file: string): OssObjectMeta {
    const body = readFileSync(file);
    const meta = buildObjectMeta(body, {
      contentType: 'application/octet-stream',
      userMeta: {},
      contentHeaders: {},
      lastModified: Math.floor(statSync(file).mtimeMs),
    });
    this.writeSidecar(bucket, key, meta);
    this.bucketIndex(bucket).set(key, meta);
    return meta;
  }

  private loadBucket(bucket: string): void {
    const index = this.bucketIndex(bucket);
    for (const name of readdirSync(this.metaDir(bucket))) {
      const sidecarFile = join(this.metaDir(bucket), name);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(sidecarFile, 'utf8'));
      } catch {
        continue; // Not ours or half-written: leave it for a person to look at.
      }
      if (!isSidecar(parsed) || diskKeyProblem(parsed.key) !== undefined) continue;
      if (existsSync(this.dataPath(bucket, parsed.key))) index.set(parsed.key, parsed.meta);
      else rmSync(sidecarFile, { force: true });
    }
    const walk = (directory: string): void => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const full = join(directory, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) {
          const key = relative(this.bucketDir(bucket), full).split(sep).join('/');
          if (!index.has(key) && diskKeyProblem(key) === undefined) this.adopt(bucket, key, full);
        }
      }
    };
    walk(this.bucketDir(bucket));
  }

  put(bucket: string, key: string, body: Buffer, meta: OssObjectMeta): void {
    const file = this.dataPath(bucket, key);
    // Check the deepest existing ancestor first, so mkdir cannot create directories through a symlink.
    let existing = dirname(file);
    while (!existsSync(existing)) existing = dirname(existing);
    this.assertInsideBucket(bucket, existing, key);
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOTDIR' || code === 'EEXIST') throw this.conflict(key, 'a parent path segment is already an object');
      throw error;
    }
    this.assertInsideBucket(bucket, dirname(file), key);
    try {
      this.writeAtomically(file, body);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') {
        throw this.conflict(key, 'other keys already use it as a directory');
      }
      throw error;
    }
    this.writeSidecar(bucket, key, meta);
    this.bucketIndex(bucket).set(key, meta);
  }

  head(bucket: string, key: string): OssObjectMeta | undefined {
    const meta = this.bucketIndex(bucket).get(key);
    if (meta === undefined) return undefined;
    const file = this.dataPath(bucket, key);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      // Deleted by hand: forget it.
      this.forget(bucket, key);
      return undefined;
    }
    // Edited by hand: describe the bytes that are really there.
    return size === meta.size ? meta : this.adopt(bucket, key, file);
  }

  get(bucket: string, key: string): OssStoredObject | undefined {
    const meta = this.head(bucket, key);
    if (meta === undefined) return undefined;
    const file = this.dataPath(bucket, key);
    this.assertInsideBucket(bucket, dirname(file), key);
    return { body: readFileSync(file), meta };
  }

  private forget(bucket: string, key: string): void {
    this.bucketIndex(bucket).delete(key);
    rmSync(this.sidecarPath(bucket, key), { force: true });
  }

  delete(bucket: string, key: string): boolean {
    if (diskKeyProblem(key) !== undefined) return false;
    const existed = this.head(bucket, key) !== undefined;
    if (!existed) return false;
    const file = this.dataPath(bucket, key);
    if (lstatSync(file).isFile()) unlinkSync(file);
    this.forget(bucket, key);
    // Remove directories the key created, up to (not including) the bucket directory.
    const base = this.bucketDir(bucket);
    for (let directory = dirname(file); directory.startsWith(base + sep); directory = dirname(directory)) {
      try {
        rmdirSync(directory);
      } catch {
        break; // Not empty (or gone): stop pruning.
      }
    }
    return true;
  }

  entries(bucket: string): StoreEntry[] {
    return [...this.bucketIndex(bucket)].map(([key, meta]) => ({ key, meta })).sort((a, b) => compareKeys(a.key, b.key));
  }
}
