import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Checks of the workspace itself (tools/*.test.ts), run by tools/test.sh outside the Nx cache.
export default defineConfig({
  test: { root: fileURLToPath(new URL('.', import.meta.url)), include: ['*.test.ts'], testTimeout: 60_000 },
});
