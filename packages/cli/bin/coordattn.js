#!/usr/bin/env node
// The coordattn command: runs the built CLI (dist/main.js, made by `npm run build`, which `npm ci`
// runs through the workspace's prepare script).
import { main } from '../dist/main.js';

// `coordattn report ... | head`: a closed pipe ends the output quietly, as other CLIs do.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
