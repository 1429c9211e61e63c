import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { QueryEnvSchema, loadQueryConfig } from '../../lib/query/config';
import { ExportEnvSchema, loadExportConfig } from '../../lib/export/config';
import { buildAll, DIST_DIR } from '../../scripts/build.mjs';

const root = new URL('../..', import.meta.url).pathname;

/** The s.yaml keys this project uses, as the fc3 component documents them (function-compute.md §12). */
const TriggerSchema = z.discriminatedUnion('triggerType', [
  z.strictObject({
    triggerName: z.string(),
    triggerType: z.literal('http'),
    qualifier: z.string().optional(),
    triggerConfig: z.strictObject({
      authType: z.enum(['anonymous', 'function', 'jwt']),
      disableURLInternet: z.boolean().optional(),
      methods: z.array(z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'])).min(1),
    }),
  }),
  z.strictObject({
    triggerName: z.string(),
    triggerType: z.literal('timer'),
    triggerConfig: z.strictObject({
      cronExpression: z.string().refine(
        (cron) =>
          cron.startsWith('@every ') ||
          cron
            .replace(/^CRON_TZ=\S+\s+/, '')
            .trim()
            .split(/\s+/).length === 6,
        'a 6-field cron (seconds first) or @every',
      ),
      enable: z.boolean(),
      payload: z.string().optional(),
    }),
  }),
]);

const FunctionPropsSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}-[a-z0-9-]+$/),
  functionName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/),
  description: z.string().max(256),
  runtime: z.enum(['nodejs18', 'nodejs20']),
  code: z.string(),
  handler: z.string().regex(/^[\w.-]+\.\w+$/),
  memorySize: z.number().int().min(128).max(32_768),
  timeout: z.number().int().min(1).max(86_400),
  role: z.string().min(1),
  environmentVariables: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string()),
  logConfig: z.strictObject({
    project: z.string().min(3),
    logstore: z.string().min(2),
    enableRequestMetrics: z.boolean().optional(),
    enableInstanceMetrics: z.boolean().optional(),
    logBeginRule: z.enum(['DefaultRegex', 'None']).optional(),
  }),
  concurrencyConfig: z.strictObject({ reservedConcurrency: z.number().int().min(1) }).optional(),
  asyncInvokeConfig: z
    .strictObject({
      maxAsyncRetryAttempts: z.number().int().min(0).max(8),
      maxAsyncEventAgeInSeconds: z.number().int().min(1).max(2_592_000),
      asyncTask: z.boolean().optional(),
      destinationConfig: z.unknown().optional(),
    })
    .optional(),
  triggers: z.array(TriggerSchema).min(1),
});

const SYamlSchema = z.strictObject({
  edition: z.literal('3.0.0'),
  name: z.string(),
  access: z.string(),
  vars: z.record(z.string(), z.string()),
  resources: z.record(
    z.string(),
    z.strictObject({
      component: z.literal('fc3'),
      actions: z.strictObject({ 'pre-deploy': z.array(z.strictObject({ run: z.string(), path: z.string() })) }),
      props: FunctionPropsSchema,
    }),
  ),
});

let rendered: z.infer<typeof SYamlSchema>;

beforeAll(() => {
  // `s preview` renders vars and env() offline (deploying needs the fc3 component from the network).
  const output = execFileSync(join(root, 'node_modules', '.bin', 's'), ['preview', '-t', 's.yaml', '-o', 'json', '--silent'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  const json = output.slice(output.indexOf('{'));
  rendered = SYamlSchema.parse(JSON.parse(json));
}, 60_000);

describe('s.yaml', () => {
  it('renders with `s preview` and matches the schema of the keys we use', () => {
    expect(Object.keys(rendered.resources).sort()).toStrictEqual(['export', 'query']);
  });

  it('deploys each function from the bundle the build produces', async () => {
    // The build as `npm run build` runs it (budget and development-code checks included), fresh into a temporary folder.
    const outRoot = mkdtempSync(join(tmpdir(), 'build-'));
    try {
      expect(await buildAll(outRoot, () => {})).toStrictEqual([]);
      for (const [name, resource] of Object.entries(rendered.resources)) {
        expect(join(root, resource.props.code)).toBe(join(DIST_DIR, name));
        expect(resource.props.runtime).toBe('nodejs20');
        const [file, exported] = resource.props.handler.split('.');
        const bundle = join(outRoot, name, `${file}.js`);
        expect(existsSync(bundle)).toBe(true);
        expect(readFileSync(bundle, 'utf8')).toMatch(new RegExp(`\\b${exported}\\b`));
        expect(resource.actions['pre-deploy'][0]?.run).toBe('npm run build');
      }
    } finally {
      rmSync(outRoot, { recursive: true, force: true });
    }
  });

  it.each([
    { resource: 'query', schema: QueryEnvSchema, load: loadQueryConfig },
    { resource: 'export', schema: ExportEnvSchema, load: loadExportConfig },
  ])('gives the $resource function every variable its config needs, and no unknown ones', ({ resource, schema, load }) => {
    const env = rendered.resources[resource]?.props.environmentVariables ?? {};
    const known = new Set([...Object.keys(schema.shape), 'NODE_OPTIONS']);
    expect(Object.keys(env).filter((name) => !known.has(name))).toStrictEqual([]);
    // The rendered values are accepted by the same loader the function runs at cold start.
    expect(() => load(env)).not.toThrow();
  });

  it('gives timer runs the documented look-back: 48 hours of rechecks, final 24 hours after an hour ends', () => {
    const env = rendered.resources['export']?.props.environmentVariables ?? {};
    expect(loadExportConfig(env).settings).toMatchObject({ recheckHours: 48, finalizeAfterHours: 24 });
    expect(env).toMatchObject({ EXPORT_RECHECK_HOURS: '48', EXPORT_FINALIZE_AFTER_HOURS: '24' });
  });

  it('keeps the HTTP trigger signed-only unless someone opts in', () => {
    const trigger = rendered.resources['query']?.props.triggers.find((candidate) => candidate.triggerType === 'http');
    expect(trigger?.triggerConfig).toMatchObject({ authType: 'function', methods: ['GET', 'POST'] });
    const raw = parse(readFileSync(join(root, 's.yaml'), 'utf8')) as { vars: Record<string, string> };
    expect(raw.vars['httpAuthType']).toBe("${env('QUERY_HTTP_AUTH_TYPE', 'function')}");
  });

  it('runs the export hourly past the hour with retries bounded and a timeout long enough to catch up', () => {
    const props = rendered.resources['export']?.props;
    const timer = props?.triggers.find((candidate) => candidate.triggerType === 'timer');
    expect(timer?.triggerConfig).toMatchObject({ cronExpression: '0 15 * * * *', enable: true });
    expect(props?.timeout).toBeGreaterThanOrEqual(600);
    expect(props?.asyncInvokeConfig?.maxAsyncRetryAttempts).toBeLessThanOrEqual(3);
    expect(props?.environmentVariables['NODE_OPTIONS']).toContain('--max-old-space-size=');
  });

  it('caps concurrent export runs at the fan-out parallelism plus one slot for status and stop, and runs ranges as async tasks', () => {
    const props = rendered.resources['export']?.props;
    expect(props?.concurrencyConfig?.reservedConcurrency).toBe(Number(props?.environmentVariables['EXPORT_FANOUT_PARALLELISM']) + 1);
    expect(props?.asyncInvokeConfig?.asyncTask).toBe(true);
    expect(Number(props?.environmentVariables['EXPORT_QPS'] ?? 20)).toBeLessThanOrEqual(Number(props?.environmentVariables['AICCS_ACCOUNT_QPS']));
  });

  it('sends logs to SLS from both functions', () => {
    for (const resource of Object.values(rendered.resources)) expect(resource.props.logConfig.project.length).toBeGreaterThan(0);
  });
});

describe('RAM policies', () => {
  const policy = (name: string) =>
    JSON.parse(readFileSync(join(root, 'ram', name), 'utf8')) as {
      Version: string;
      Statement: Array<{ Effect: string; Action: string[]; Resource: string | string[]; Condition?: unknown }>;
    };

  it('grants the query function only HotlineSessionQuery', () => {
    expect(policy('query-function-policy.json').Statement.flatMap((statement) => statement.Action)).toStrictEqual(['aiccs:HotlineSessionQuery']);
  });

  it('confines the export function to its prefix and to invoking itself', () => {
    const statements = policy('export-function-policy.json').Statement;
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(statements.flatMap((statement) => statement.Action).sort()).toStrictEqual(
      [
        'aiccs:HotlineSessionQuery',
        'fc:InvokeFunction',
        'oss:AbortMultipartUpload',
        'oss:DeleteObject',
        'oss:GetObject',
        'oss:ListObjects',
        'oss:ListParts',
        'oss:PutObject',
      ].sort(),
    );
    for (const statement of statements.filter((candidate) =>
      candidate.Action.some((action) => action.startsWith('oss:Put') || action.startsWith('oss:Get') || action.startsWith('oss:Delete')),
    )) {
      expect(statement.Resource).toStrictEqual(['acs:oss:*:*:<BUCKET>/<PREFIX>/*']);
    }
    // CopyObject (staging → partition) is authorized as GetObject on the source and PutObject on the target: both keys are under the prefix.
    const objectStatement = statements.find((statement) => statement.Action.includes('oss:PutObject'));
    expect(objectStatement?.Action).toEqual(expect.arrayContaining(['oss:GetObject', 'oss:PutObject', 'oss:DeleteObject']));
    expect(statements.find((statement) => statement.Action.includes('oss:GetObject'))).toBe(objectStatement);
    expect(statements.find((statement) => statement.Action.includes('oss:ListObjects'))?.Condition).toStrictEqual({ StringLike: { 'oss:Prefix': ['<PREFIX>/*'] } });
    expect(statements.find((statement) => statement.Action.includes('fc:InvokeFunction'))?.Resource).toStrictEqual([
      'acs:fc:<REGION>:<ACCOUNT_ID>:functions/aiccs-call-records-export',
    ]);
  });
});
