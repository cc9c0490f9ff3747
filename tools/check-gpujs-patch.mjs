#!/usr/bin/env node
/**
 * Install-time check of the gpu.js code generator patch (docs/gpujs-patch.md), run by the
 * workspace's `prepare` script after the build, so `npm ci` fails loudly when the installed gpu.js
 * is not the version the patch was written for, its code changed (fingerprint), or the patched
 * generator fails its self-test. The runtime applies the same patch, and checks it the same way,
 * whenever it loads gpu.js (users of the packages and emitted modules get `gpujsPatchStatus()`).
 */
const { gpujsPatchStatus } = await import('@coordattn/codegen');
const status = gpujsPatchStatus();
if (!status.applied && process.env.COORDATTN_GPUJS_PATCH === '0') {
  console.warn('gpu.js patch switched off by COORDATTN_GPUJS_PATCH=0: not checked');
  process.exit(0);
}
if (!status.applied) {
  console.error(`gpu.js patch NOT applied: ${status.reason ?? 'no reason given'}`);
  console.error(
    'The compiled kernels would run on the unpatched, slower code generator. See docs/gpujs-patch.md.',
  );
  process.exit(1);
}
console.log(
  `gpu.js ${status.gpujsVersion ?? '?'} patch applied; self-test ${status.selfTest?.passed ? 'passed' : 'not run'}`,
);
