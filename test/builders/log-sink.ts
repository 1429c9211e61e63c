import { createLogger, type Logger } from '../../lib/log/logger';

/** A logger whose lines are kept for assertions. */
export function aCapturingLogger(service = 'test'): { logger: Logger; lines: string[]; entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = createLogger({ service, level: 'debug', sink: (line) => lines.push(line) });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
