/**
 * Node's `fs` and `path` for the few file helpers of this package (loadWeights, saveWeights,
 * readNpy, writeNpy), loaded on first use with `process.getBuiltinModule` (Node ≥ 20.16) instead
 * of an import: the package's index then has no Node built-in, so a browser bundle (the kernel
 * runner page of @coordattn/web) can include the interpreter, the weights decoder and the .npy
 * codec. Outside Node the file helpers throw E_IO.
 */
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import { CoordattnError } from '@coordattn/ir';

function builtin<T>(id: string, what: string): T {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule(id) : undefined;
  if (mod === undefined) {
    throw new CoordattnError('E_IO', `${what} needs Node's ${id} (Node >= 20.16); decode bytes instead`);
  }
  return mod as T;
}

/** Node's fs (E_IO outside Node). */
export const nodeFs = (what: string): typeof Fs => builtin<typeof Fs>('node:fs', what);
/** Node's path (E_IO outside Node). */
export const nodePath = (what: string): typeof Path => builtin<typeof Path>('node:path', what);
