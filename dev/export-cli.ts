/**
 * `npm run export -- --instance <id> --from <iso> --to <iso> [--format csv]`:
 * exports a range from the running local stack's AICCS emulator into its OSS
 * server (disk-backed under .data/oss), with a progress bar on a terminal
 * and plain progress lines otherwise, then prints the summary.
 */
import { parseArgs } from 'node:util';
import { DEMO_CREDENTIALS } from './aiccs';
import { readLocalStack } from './local-stack';
import { createExportFunction } from '../lib/export/export-function';
import type { HourProgress } from '../lib/export/run-export';
import { createLogger } from '../lib/log';

const usage = 'usage: npm run export -- --instance <id> --from <ISO 8601> --to <ISO 8601> [--format jsonl|csv]';

async function main() {
  const { values } = parseArgs({
    options: { instance: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  const stack = readLocalStack();
  const instanceId = values.instance ?? stack.instanceIds[0];
  if (!values.from || !values.to) throw new Error(`--from and --to are required\n${usage}`);

  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const onHourDone = (progress: HourProgress) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = Math.round(progress.records / Math.max(elapsed, 0.001));
    if (tty) {
      const width = 30;
      const filled = Math.round((progress.hoursDone / progress.hoursTotal) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.hoursDone}/${progress.hoursTotal} hours  ${progress.records.toLocaleString('en-US')} records  ${rate.toLocaleString('en-US')}/s  `);
    } else {
      process.stderr.write(`exported ${progress.hour}  ${progress.hoursDone}/${progress.hoursTotal} hours  ${progress.records} records\n`);
    }
  };
  const handler = createExportFunction({
    env: {
      AICCS_ENDPOINT: stack.aiccsUrl,
      EXPORT_INSTANCE_IDS: stack.instanceIds.join(','),
      OSS_REGION: stack.ossRegion,
      OSS_BUCKET: stack.ossBucket,
      OSS_ENDPOINT: stack.ossUrl,
      EXPORT_PREFIX: stack.exportPrefix,
      EXPORT_QPS: process.env['EXPORT_QPS'] ?? '20',
      LOG_LEVEL: 'warn',
    },
    logger: createLogger({ service: 'aiccs-export', level: 'warn', sink: (line) => process.stderr.write(line) }),
    onHourDone,
  });
  const event = { instanceId, from: values.from, to: values.to, ...(values.format ? { format: values.format } : {}) };
  const summary = await handler(Buffer.from(JSON.stringify(event)), {
    requestId: `local-export-${started}`,
    credentials: { ...DEMO_CREDENTIALS },
    function: { name: 'aiccs-export', timeout: 24 * 3600 },
  });
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.stderr.write(`Files are under .data/oss/${stack.ossBucket}/${stack.exportPrefix}/instance=${instanceId}/\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nexport failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
