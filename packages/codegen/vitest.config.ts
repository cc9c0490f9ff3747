import { defineConfig } from 'vitest/config';

// GL test files run one at a time (one GL context at a time on a 2-core machine, stable timings).
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 300_000, fileParallelism: false },
});
