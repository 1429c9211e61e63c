/**
 * `npm run export -- --instance <id> --from <iso> --to <iso> [--format jsonl|csv|parquet] [--job <id>]`:
 * starts a backfill job on the running local stack through its FC gateway
 * with the project's typed client (exportRange, an async invocation as
 * another function would send it), then follows the job through its status
 * (waitForExport): one progress bar over all hours of all ranges on a
 * terminal, plain lines otherwise, and the totals at the end. Ctrl-C stops
 * the job (stopExport) before leaving.
 */
import { parseArgs } from 'node:util';
import { DEMO_CREDENTIALS } from '../aiccs';
import { readLocalStack } from './local-stack';
import { createCallRecordsClient, type JobStatus } from '../../lib/sdk';

const usage = 'usage: npm run export -- --instance <id> --from <ISO 8601> --to <ISO 8601> [--format jsonl|csv|parquet] [--job <job id>]';

async function main() {
  const { values } = parseArgs({
    options: {
      instance: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      job: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  const stack = readLocalStack();
  const instanceId = values.instance ?? stack.instanceIds[0] ?? '';
  if (!values.from || !values.to) throw new Error(`--from and --to are required\n${usage}`);
  if (values.format !== undefined && values.format !== 'jsonl' && values.format !== 'csv' && values.format !== 'parquet')
    throw new Error(`--format must be jsonl, csv or parquet\n${usage}`);

  const client = createCallRecordsClient({
    functionName: 'aiccs-query',
    exportFunctionName: stack.exportFunction,
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    endpoint: stack.gatewayUrl,
    credentials: { ...DEMO_CREDENTIALS },
    timeoutMs: 60_000,
  });
  const started = Date.now();
  const { jobId } = await client.exportRange({
    instanceId,
    from: values.from,
    to: values.to,
    ...(values.format ? { format: values.format } : {}),
    ...(values.job ? { jobId: values.job } : {}),
  });
  process.stderr.write(`job ${jobId} started; following it (Ctrl-C stops the job)\n`);

  const tty = process.stderr.isTTY === true;
  let lastLine = '';
  const draw = (status: JobStatus) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const running = status.ranges.filter((range) => range.state === 'running').length;
    const line = `${status.hoursDone}/${status.hoursTotal} hours  ${status.records} records  ${running} range(s) running  ${status.continuations} continuation(s)`;
    if (tty) {
      const width = 30;
      const filled = status.hoursTotal === 0 ? width : Math.round((status.hoursDone / status.hoursTotal) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}  ${seconds} s  `);
    } else if (line !== lastLine) {
      process.stderr.write(`${line}  (${seconds} s)\n`);
    }
    lastLine = line;
  };

  const interrupted = new AbortController();
  process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));
  let final: JobStatus;
  try {
    final = await client.waitForExport(jobId, { pollMs: 500, onProgress: draw, signal: interrupted.signal });
  } catch (error) {
    if (!interrupted.signal.aborted) throw error;
    final = await client.stopExport(jobId);
    process.stderr.write(`\nstopped job ${jobId}: running ranges stop after their current hour\n`);
  }
  if (tty) process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  const totals = {
    jobId: final.jobId,
    state: final.state,
    window: { from: final.from, to: final.to },
    hours: `${final.hoursDone}/${final.hoursTotal}`,
    records: final.records,
    files: final.files,
    retries: final.retries,
    throttles: final.throttles,
    continuations: final.continuations,
    seconds: Number(seconds.toFixed(1)),
    failedRanges: final.ranges.filter((range) => range.state === 'failed').map((range) => ({ from: range.from, to: range.to, error: range.error })),
  };
  process.stdout.write(`${JSON.stringify(totals, null, 2)}\n`);
  process.stderr.write(
    `Files are under .data/oss/${stack.ossBucket}/${stack.exportPrefix}/instance=${instanceId}/; status of this job: {"action":"status","jobId":"${jobId}"}\n`,
  );
  if (final.state !== 'succeeded') process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`\nexport failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
