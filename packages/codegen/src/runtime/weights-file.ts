/**
 * Reading a weights file from disk in Node: `loadWeightsFile` reads the manifest and its shards and
 * decodes them with the runtime's `decodeWeights`. Kept out of runtime.ts, which the compiler copies
 * beside every emitted module and which imports no Node built-in.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CoordattnError } from '@coordattn/ir/errors';
import { decodeWeights, weightsShards } from './runtime.js';

/**
 * Reads a weights file (format `coordattn-weights` version 1: a JSON manifest whose groups name
 * little-endian float32 shards, relative to the manifest) into float32 tensors by name. Checks the
 * format, that shard paths stay in the manifest's folder, and every tensor's byte length
 * (CoordattnError E_EVAL naming the file and the tensor).
 */
export function loadWeightsFile(manifestPath: string): Map<string, Float32Array> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new CoordattnError(
      'E_EVAL',
      `${manifestPath}: cannot read the weights manifest: ${(e as Error).message}`,
    );
  }
  const shards = weightsShards(manifest, manifestPath).map((p) => {
    try {
      return readFileSync(join(dirname(manifestPath), p));
    } catch (e) {
      throw new CoordattnError(
        'E_EVAL',
        `${manifestPath}: cannot read shard '${p}': ${(e as Error).message}`,
      );
    }
  });
  return decodeWeights(manifest, Buffer.concat(shards), manifestPath);
}
