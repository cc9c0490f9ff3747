import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the exports' @coordattn/source condition).
const conditions = ['@coordattn/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // One Chromium at a time on a 2-core machine.
  test: { include: ['src/**/*.test.ts'], testTimeout: 300_000, fileParallelism: false },
});
