import { createHash } from 'node:crypto';
import type { ObjectStore, PutOptions, PutOutcome, StoredObject } from '../../lib/adapters/oss/object-store';

/** An in-memory ObjectStore with OSS's create-only semantics; counts calls and can fail chosen ones. */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  readonly calls: Array<{ op: string; key: string }> = [];
  /** Throws from the next matching call (once per entry). */
  failures: Array<{ op: string; keyIncludes?: string; error: Error }> = [];

  private check(op: string, key: string) {
    this.calls.push({ op, key });
    const index = this.failures.findIndex((failure) => failure.op === op && (failure.keyIncludes === undefined || key.includes(failure.keyIncludes)));
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw failure?.error;
    }
  }

  async put(key: string, body: Buffer, options: PutOptions): Promise<PutOutcome> {
    this.check('put', key);
    const existing = this.objects.get(key);
    if (options.createOnly && existing) return { outcome: 'exists', etag: md5(existing) };
    this.objects.set(key, Buffer.from(body));
    return { outcome: 'created', etag: md5(body) };
  }

  async get(key: string) {
    this.check('get', key);
    const body = this.objects.get(key);
    return body ? Buffer.from(body) : undefined;
  }

  async head(key: string) {
    this.check('head', key);
    const body = this.objects.get(key);
    return body ? { etag: md5(body), size: body.length } : undefined;
  }

  async delete(key: string) {
    this.check('delete', key);
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    this.check('list', prefix);
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, body]) => ({ key, size: body.length, etag: md5(body) }));
  }
}

const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');
