import { AppError } from './app-error';

/**
 * An environment variable is missing or invalid. Exposed (the operator must
 * see which variable), but only its name: the value is never echoed.
 */
export class ConfigError extends AppError {
  override name = 'ConfigError' as const;
  readonly variable: string;
  constructor(variable: string, message: string) {
    super({ code: 'CONFIG_INVALID', status: 500, title: 'Function is misconfigured', detail: `Environment variable ${variable}: ${message}`, expose: true });
    this.variable = variable;
  }
}
