/**
 * The run settings the local gateway takes from s.yaml, so the stack runs
 * each function as Function Compute would: timeout, memory,
 * concurrencyConfig.reservedConcurrency and asyncInvokeConfig.maxAsyncRetryAttempts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const FunctionPropsSchema = z.object({
  functionName: z.string(),
  timeout: z.number().int().min(1).max(86_400).optional(),
  memorySize: z.number().int().positive().optional(),
  concurrencyConfig: z.object({ reservedConcurrency: z.number().int().min(1).optional() }).optional(),
  asyncInvokeConfig: z.object({ maxAsyncRetryAttempts: z.number().int().min(0).max(8).optional() }).optional(),
});

const SYamlSchema = z.object({ resources: z.record(z.string(), z.object({ props: FunctionPropsSchema })) });

/** What the gateway needs of one s.yaml function. */
export interface FunctionRunConfig {
  /** The deployed name (functionName in s.yaml). */
  functionName: string;
  timeoutSeconds: number | undefined;
  memoryMb: number | undefined;
  /** Undefined when s.yaml sets none (no limit). */
  reservedConcurrency: number | undefined;
  /** FC's default is 3 when s.yaml sets none. */
  maxAsyncRetryAttempts: number;
}

/**
 * The run settings of one resource (`query`, `export`) of an s.yaml file.
 *
 * @throws Error naming the file, the resource and the key when the file is not what the stack expects.
 */
export function readFunctionConfig(sYamlPath: string, resource: string): FunctionRunConfig {
  const parsed = SYamlSchema.safeParse(parse(readFileSync(sYamlPath, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`${sYamlPath} does not have the function settings the local stack reads: ${problems}`);
  }
  const props = parsed.data.resources[resource]?.props;
  if (!props) throw new Error(`${sYamlPath} has no resource \`${resource}\`; it has: ${Object.keys(parsed.data.resources).join(', ')}`);
  return {
    functionName: props.functionName,
    timeoutSeconds: props.timeout,
    memoryMb: props.memorySize,
    reservedConcurrency: props.concurrencyConfig?.reservedConcurrency,
    maxAsyncRetryAttempts: props.asyncInvokeConfig?.maxAsyncRetryAttempts ?? 3,
  };
}
