import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStackPorts } from '../../dev/stack/ports';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

let blocker: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

async function occupyAPort(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs the real `npm start` script (without the build step) and returns its exit code and stderr. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [join(root, 'dev', 'stack', 'start.ts')], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe('npm start', () => {
  it.each(['FC_GATEWAY_PORT', 'AICCS_EMULATOR_PORT', 'OSS_SERVER_PORT'])('fails on a port in use with a hint naming %s', async (variable) => {
    const busy = await occupyAPort();
    // The other two ports: free ones, so only the variable under test collides.
    const env: Record<string, string> = { FC_GATEWAY_PORT: '0', AICCS_EMULATOR_PORT: '0', OSS_SERVER_PORT: '0', [variable]: String(busy) };

    const { code, stderr } = await runStart(env);

    expect(code).toBe(1);
    expect(stderr).toContain(`port ${busy}`);
    expect(stderr).toContain('is in use');
    expect(stderr).toContain(`${variable}=<port>`);
  });
});

describe('readStackPorts', () => {
  it('uses the defaults when nothing is set', () => {
    expect(readStackPorts({})).toEqual({ FC_GATEWAY_PORT: 9000, AICCS_EMULATOR_PORT: 9100, OSS_SERVER_PORT: 9200 });
  });

  it.each(['abc', '70000', '-1', '1.5'])('rejects %s naming the variable', (value) => {
    expect(() => readStackPorts({ OSS_SERVER_PORT: value })).toThrow(`Expected OSS_SERVER_PORT to be a port number 0–65535 (0: any free port), got \`${value}\``);
  });
});
