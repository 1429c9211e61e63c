/**
 * `npm run timer [-- --payload '{"format":"csv"}']`: one scheduled export
 * run on the running local stack, now. Sends the export function the event
 * FC's timer trigger sends (`{triggerTime, triggerName, payload}`) through
 * the gateway's signed InvokeFunction API and prints the run's summary. The
 * first run exports from EXPORT_LOOKBACK_HOURS back; later runs continue at
 * the watermark (and, where the export reconciles, look back at exported hours).
 */
import { parseArgs } from 'node:util';
import { DEMO_CREDENTIALS } from '../aiccs';
import { readLocalStack } from './local-stack';
import { resolveCredentialSource } from '../../lib/credentials/credentials';
import { createAcs3Invoker } from '../../lib/sdk/acs3-invoker';

const usage = 'usage: npm run timer [-- --payload \'<JSON overrides, e.g. {"format":"csv"}>\']';

async function main() {
  const { values } = parseArgs({ options: { payload: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  const stack = readLocalStack();
  const event = { triggerTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), triggerName: 'hourly', payload: values.payload ?? '{}' };
  // The lean signed transport: its timeout is socket inactivity, so a run of many minutes is waited out
  // (the SDK transport's 5 s connect timeout ends a long synchronous run early).
  const invoker = createAcs3Invoker({
    endpoint: new URL(stack.gatewayUrl),
    credentials: resolveCredentialSource({ ...DEMO_CREDENTIALS }),
    qualifier: 'LATEST',
    timeoutMs: 3_600_000,
  });
  process.stderr.write(`timer run of ${stack.exportFunction} at ${event.triggerTime} …\n`);
  const result = await invoker.invoke(stack.exportFunction, Buffer.from(JSON.stringify(event)), { async: false });
  const text = result.body.toString('utf8');
  if (result.headers['x-fc-error-type']) throw new Error(`the export function failed: ${text.slice(0, 1000)}`);
  process.stdout.write(`${text}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`timer run failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
