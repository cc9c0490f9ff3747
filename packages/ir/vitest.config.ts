import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the exports' @coordattn/source condition).
const conditions = ['@coordattn/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
