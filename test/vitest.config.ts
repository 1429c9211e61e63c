import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Loopback servers on port 0 only; no test may reach the network.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // The default (cores − 1) is one worker on the 2-core machines; most tests wait on loopback I/O, so two overlap well.
    maxWorkers: 2,
    env: {
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
    },
  },
});
