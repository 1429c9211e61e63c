/**
 * `npm run export -- --instance <id> --from <iso> --to <iso> [--format jsonl|csv|parquet]`:
 * invokes the export function of the running local stack through its FC
 * gateway (the FC 3.0 InvokeFunction API, signed), exactly as another
 * function or a scheduler would. Ranges over 24 hours fan out into
 * asynchronous day-range invocations that the gateway runs in-process.
 * Progress comes from the partition manifests appearing under .data/oss: a
 * progress bar on a terminal, plain lines otherwise; the summary at the end.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CREDENTIALS } from '../aiccs';
import { readLocalStack } from './local-stack';
import { resolveCredentialSource } from '../../lib/credentials/credentials';
import { createFc3Invoker } from '../../lib/sdk/fc3-invoker';
import { hourlySlices, widenToHours } from '../../lib/export/windows';
import { manifestKey, partitionOf } from '../../lib/export/object-keys';

const usage = 'usage: npm run export -- --instance <id> --from <ISO 8601> --to <ISO 8601> [--format jsonl|csv|parquet]';
const root = new URL('../..', import.meta.url).pathname;

async function main() {
  const { values } = parseArgs({
    options: { instance: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  const stack = readLocalStack();
  const instanceId = values.instance ?? stack.instanceIds[0] ?? '';
  if (!values.from || !values.to) throw new Error(`--from and --to are required\n${usage}`);
  const from = Date.parse(values.from);
  const to = Date.parse(values.to);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) throw new Error(`--from and --to must be ISO 8601 times with --to after --from\n${usage}`);

  const hours = hourlySlices(widenToHours({ from, to }));
  const started = Date.now();
  const manifestPath = (hourStart: number) => join(root, '.data', 'oss', stack.ossBucket, manifestKey(stack.exportPrefix, instanceId, partitionOf(hourStart)));
  const doneHours = () => hours.filter((hour) => existsSync(manifestPath(hour.from)) && statSync(manifestPath(hour.from)).mtimeMs >= started - 1000).length;

  const tty = process.stderr.isTTY === true;
  let lastDone = -1;
  const draw = () => {
    const done = doneHours();
    if (done === lastDone) return done;
    lastDone = done;
    if (tty) {
      const width = 30;
      const filled = Math.round((done / hours.length) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${hours.length} hours  ${((Date.now() - started) / 1000).toFixed(1)} s  `);
    } else {
      process.stderr.write(`${done}/${hours.length} hours exported\n`);
    }
    return done;
  };
  const timer = setInterval(draw, 250);

  const invoker = createFc3Invoker({
    endpoint: new URL(stack.gatewayUrl),
    credentials: resolveCredentialSource({ ...DEMO_CREDENTIALS }),
    qualifier: 'LATEST',
    timeoutMs: 3_600_000,
  });
  const payload = { instanceId, from: values.from, to: values.to, ...(values.format ? { format: values.format } : {}) };
  const result = await invoker.invoke('aiccs-export', Buffer.from(JSON.stringify(payload)), { async: false });
  const body = JSON.parse(result.body.toString('utf8') || '{}') as { mode?: string; dispatched?: unknown[]; errorMessage?: string };
  if (result.headers['x-fc-error-type']) {
    clearInterval(timer);
    throw new Error(`the export function failed: ${body.errorMessage ?? result.body.toString('utf8').slice(0, 500)}`);
  }
  if (body.mode === 'fan-out') {
    process.stderr.write(`${tty ? '\n' : ''}fanned out into ${body.dispatched?.length ?? 0} asynchronous day-range invocations; waiting for them\n`);
    // The children run inside `npm start`; their manifests show their progress.
    let idleSince = Date.now();
    let previous = -1;
    while (draw() < hours.length) {
      const done = doneHours();
      if (done !== previous) {
        previous = done;
        idleSince = Date.now();
      } else if (Date.now() - idleSince > 120_000) {
        throw new Error(`no progress for 2 minutes at ${done}/${hours.length} hours; see the npm start terminal for the failed ranges`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  clearInterval(timer);
  draw();
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  process.stderr.write(`Files are under .data/oss/${stack.ossBucket}/${stack.exportPrefix}/instance=${instanceId}/\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nexport failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
