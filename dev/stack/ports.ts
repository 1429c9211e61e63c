/** The local stack's ports: read from the environment, and a clear failure when one is taken. */
import { createServer } from 'node:net';

/** Each server of `npm start`, the variable that moves it, and its default port. */
export const STACK_PORTS = [
  { variable: 'FC_GATEWAY_PORT', role: 'FC gateway', defaultPort: 9000 },
  { variable: 'AICCS_EMULATOR_PORT', role: 'AICCS emulator', defaultPort: 9100 },
  { variable: 'OSS_SERVER_PORT', role: 'OSS server', defaultPort: 9200 },
] as const;

export type PortVariable = (typeof STACK_PORTS)[number]['variable'];

/** Thrown when a port variable is malformed or its port is taken; the message names the variable. */
export class StackPortError extends Error {
  override name = 'StackPortError' as const;
}

/**
 * The three ports from `env`, defaults where unset.
 *
 * @throws StackPortError naming the variable when a value is not an integer 0–65535.
 */
export function readStackPorts(env: Readonly<Record<string, string | undefined>> = process.env): Record<PortVariable, number> {
  const ports = {} as Record<PortVariable, number>;
  for (const { variable, defaultPort } of STACK_PORTS) {
    const text = env[variable]?.trim();
    const port = text === undefined || text === '' ? defaultPort : Number(text);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new StackPortError(`Expected ${variable} to be a port number 0–65535 (0: any free port), got \`${text ?? ''}\``);
    }
    ports[variable] = port;
  }
  return ports;
}

/**
 * Fails before anything starts when a port is taken, with a hint naming the
 * variable that moves it (binding and releasing each port once on 127.0.0.1).
 *
 * @throws StackPortError for the first port in use.
 */
export async function assertPortsFree(ports: Readonly<Record<PortVariable, number>>, host = '127.0.0.1'): Promise<void> {
  for (const { variable, role } of STACK_PORTS) {
    const port = ports[variable];
    const probe = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, host, () => resolve());
      });
    } catch (error) {
      throw portError(error, variable, role, port);
    } finally {
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    }
  }
}

/** The error to show for a failed bind of one of the stack's ports. */
export function portError(error: unknown, variable: PortVariable, role: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new StackPortError(
      `port ${port} for the ${role} is in use (another \`npm start\`?): stop what uses it, or choose another port with ${variable}=<port> npm start`,
      { cause: error },
    );
  }
  return new StackPortError(`the ${role} cannot listen on port ${port} (${code ?? String(error)}): choose another port with ${variable}=<port>`, { cause: error });
}
