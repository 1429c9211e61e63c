import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Where `npm start` tells other local tools how to reach it. */
export const LOCAL_STACK_FILE = join(new URL('../..', import.meta.url).pathname, '.data', 'local-stack.json');

export const LocalStackSchema = z.object({
  gatewayUrl: z.string(),
  aiccsUrl: z.string(),
  ossUrl: z.string(),
  ossRegion: z.string(),
  ossBucket: z.string(),
  exportPrefix: z.string(),
  instanceIds: z.array(z.string()),
  /** Gateway name of the export function. */
  exportFunction: z.string(),
  /** The demo data window [dataFrom, dataTo), ISO 8601. */
  dataFrom: z.string(),
  dataTo: z.string(),
  pid: z.number(),
});
export type LocalStack = z.infer<typeof LocalStackSchema>;

export function writeLocalStack(stack: LocalStack): void {
  mkdirSync(join(LOCAL_STACK_FILE, '..'), { recursive: true });
  writeFileSync(LOCAL_STACK_FILE, `${JSON.stringify(stack, null, 2)}\n`);
}

/** The running stack, or an error that says to start it. */
export function readLocalStack(): LocalStack {
  if (!existsSync(LOCAL_STACK_FILE)) throw new Error('The local stack is not running: start it with `npm start` in another terminal');
  const stack = LocalStackSchema.parse(JSON.parse(readFileSync(LOCAL_STACK_FILE, 'utf8')));
  try {
    process.kill(stack.pid, 0);
  } catch {
    throw new Error('The local stack is not running (its process is gone): start it with `npm start`');
  }
  return stack;
}
