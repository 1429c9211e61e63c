/**
 * The emulator's dev hooks from the command line, against the running local
 * stack (or any emulator with `--emulator <url>`):
 *
 *   npm run dev:late -- --hour 2026-11-20T03:00:00Z [--count 5] [--instance <id>] [--seed <n>]
 *   npm run dev:change -- --hour 2026-11-20T03:00:00Z --set EvaluationLevel=1 [--set EvaluationScore=2] [--limit 10] [--instance <id>]
 *
 * `late` adds records to an hour that is over (late arrivals); `change` sets
 * fields on that hour's records (e.g. satisfaction collected after hang-up).
 * Run `npm run timer` afterwards to watch a scheduled run pick them up.
 */
import { parseArgs } from 'node:util';
import { readLocalStack } from './local-stack';

const usage = [
  'usage: npm run dev:late -- --hour <ISO 8601> [--count <n>] [--instance <id>] [--seed <n>]',
  '       npm run dev:change -- --hour <ISO 8601> --set <Field>=<value> [--set …] [--limit <n>] [--instance <id>]',
  '       (either: --emulator <url> to address an emulator other than the running stack)',
].join('\n');

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      hour: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      instance: { type: 'string' },
      set: { type: 'string', multiple: true },
      limit: { type: 'string' },
      emulator: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || (command !== 'late' && command !== 'change')) {
    process.stdout.write(`${usage}\n`);
    if (!values.help) process.exitCode = 2;
    return;
  }
  if (!values.hour) throw new Error(`--hour is required\n${usage}`);
  const stack = values.emulator ? undefined : readLocalStack();
  const emulatorUrl = values.emulator ?? stack?.aiccsUrl ?? '';
  const instanceId = values.instance ?? stack?.instanceIds[0];
  if (!instanceId) throw new Error(`--instance is required with --emulator\n${usage}`);

  const body =
    command === 'late'
      ? { instanceId, hour: values.hour, count: integer('--count', values.count ?? '5'), ...(values.seed ? { seed: integer('--seed', values.seed) } : {}) }
      : { instanceId, hour: values.hour, fields: parseFields(values.set ?? []), ...(values.limit ? { limit: integer('--limit', values.limit) } : {}) };
  const path = command === 'late' ? '/_dev/late-records' : '/_dev/record-changes';
  const response = await fetch(new URL(path, emulatorUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`the emulator refused (HTTP ${response.status}): ${messageOf(text)}`);
  const result = JSON.parse(text) as { hour: { from: string; to: string }; ids: string[] };
  process.stdout.write(`${text}\n`);
  process.stderr.write(
    `${command === 'late' ? 'added' : 'changed'} ${result.ids.length} records of ${instanceId} in [${result.hour.from}, ${result.hour.to}); \`npm run timer\` runs the scheduled export\n`,
  );
}

/** Fields the emulator stores as numbers; every other field is text (ids included, GroupId may exceed 2^53). */
const NUMBER_FIELDS = new Set(['CallType', 'QueueUpContinueTime', 'RingContinueTime', 'CallContinueTime', 'EvaluationLevel', 'EvaluationScore']);

/** `--set Field=value` pairs: `null` clears a field, numeric fields take numbers, the rest text; camelCase names are accepted. */
function parseFields(pairs: readonly string[]): Record<string, unknown> {
  if (pairs.length === 0) throw new Error(`name at least one field: --set <Field>=<value>, e.g. --set EvaluationLevel=1\n${usage}`);
  const fields: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`expected --set <Field>=<value>, got \`${pair}\``);
    const name = pair.charAt(0).toUpperCase() + pair.slice(1, at);
    const text = pair.slice(at + 1);
    // The emulator validates the value; a non-number for a numeric field comes back as a 400 naming the field.
    fields[name] = text === 'null' ? null : NUMBER_FIELDS.has(name) && text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
  }
  return fields;
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`expected ${flag} to be an integer, got \`${text}\``);
  return value;
}

function messageOf(text: string): string {
  try {
    return (JSON.parse(text) as { Message?: string }).Message ?? text;
  } catch {
    return text;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
