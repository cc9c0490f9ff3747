import { defineConfig } from 'vitest/config';

// GL test files run one at a time (one GL context at a time on a 2-core machine, stable timings).
// Workspace packages resolve to their TypeScript sources (the exports' @coordattn/source condition).
const conditions = ['@coordattn/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 300_000, fileParallelism: false },
});
