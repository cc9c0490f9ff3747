/**
 * The browser bundle of an emitted module (`coordattn compile --target browser`): `model.js`, its
 * runtime and gpu.js in one ES module file, `model.browser.js`, for a `<script type="module">` or
 * any bundler, with no Node built-in in it.
 *
 * esbuild (loaded only here, when a bundle is asked for) bundles the folder's `model.js` and its
 * runtime with `platform: 'browser'`. gpu.js is gpu.js's own browser build — the file its
 * package.json names under `browser` (`dist/gpu-browser.js`: gpu.js with its browser dependencies
 * inlined, no `gl`, no Node modules), found from this package so the folder may be anywhere — put
 * in verbatim, ahead of the bundled code, as a CommonJS-style factory that the bundle's `gpu.js`
 * import reads. Verbatim, because gpu.js compiles the kernel functions from their source text and
 * the runtime's gpu.js patch recognises gpu.js by its methods' source text: a bundler's reprint of
 * gpu.js would make every patch check fail (see docs/gpujs-patch.md). For the same reason the
 * bundle is not minified. After the build the bundle's inputs are checked: none may be a Node
 * built-in, nothing may stay external.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { CoordattnError } from '@coordattn/ir';
import type { WrittenModule } from './emit.js';

/** The bundle's file name, beside `model.js`. */
export const BROWSER_BUNDLE = 'model.browser.js';

/** The global-free name the bundle gives gpu.js's exports (a `const` at the top of the file). */
const GPUJS_BINDING = '__coordattnGpujs';

/** gpu.js's browser build, as its package.json's `browser` field names it, and gpu.js's version. */
export function gpujsBrowserBuild(): { file: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkgPath: string;
  try {
    pkgPath = require.resolve('gpu.js/package.json');
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot resolve gpu.js/package.json: ${(e as Error).message}`);
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { browser?: unknown; version?: unknown };
  if (typeof pkg.browser !== 'string') {
    throw new CoordattnError('E_IO', 'gpu.js has no browser build (a string `browser` field)', {
      path: pkgPath,
    });
  }
  return { file: resolve(dirname(pkgPath), pkg.browser), version: String(pkg.version) };
}

/**
 * The top of the bundle: gpu.js's browser build, byte for byte, inside a function that gives its
 * UMD wrapper a `module` (so it returns its exports instead of setting globals).
 */
function gpujsPrelude(): string {
  const { file, version } = gpujsBrowserBuild();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot read gpu.js's browser build: ${(e as Error).message}`, {
      path: file,
    });
  }
  return [
    `// gpu.js ${version}, dist/gpu-browser.js verbatim (gpu.js compiles kernels from their source text,`,
    "// and coordattn's gpu.js patch recognises gpu.js by its methods' text: neither survives a reprint).",
    `const ${GPUJS_BINDING} = (() => {`,
    'const module = { exports: {} };',
    'const exports = module.exports;',
    text,
    ';',
    'return module.exports;',
    '})();',
  ].join('\n');
}

/** What a bundle's metafile says about where its code came from. */
export interface BundleInputs {
  /** The inputs esbuild bundled (paths relative to the working directory, as esbuild names them). */
  readonly inputs: string[];
  /** Imports left external (none, or the build fails). */
  readonly external: string[];
}

/**
 * Bundles `dir/model.js` (written by writeCompiledModule with `emit: 'js'`) into
 * `dir/model.browser.js` (one ES module), plus `dir/model.browser.d.ts` (the declarations of
 * model.js). Fails (E_KERNEL) if the bundle would contain a Node built-in or leave an import
 * external.
 */
export async function writeBrowserBundle(dir: string): Promise<WrittenModule & BundleInputs> {
  const esbuild = await import('esbuild');
  const outfile = join(dir, BROWSER_BUNDLE);
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      entryPoints: [join(dir, 'model.js')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      write: true,
      logLevel: 'silent',
      banner: { js: gpujsPrelude() },
      plugins: [
        {
          name: 'coordattn-gpujs-browser',
          setup(build) {
            // `import … from 'gpu.js'` reads the prelude's exports (CommonJS interop: named imports
            // are properties of module.exports, as with gpu.js in Node).
            build.onResolve({ filter: /^gpu\.js$/ }, () => ({
              path: 'gpu.js',
              namespace: 'coordattn-gpujs',
            }));
            build.onLoad({ filter: /.*/, namespace: 'coordattn-gpujs' }, () => ({
              contents: `module.exports = ${GPUJS_BINDING};`,
              loader: 'js',
            }));
          },
        },
      ],
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string }[] }).errors;
    const text = errors?.map((x) => x.text).join('; ') ?? (e as Error).message;
    throw new CoordattnError('E_KERNEL', `cannot bundle the module for browsers: ${text}`, { path: dir });
  }
  const { metafile } = result;
  if (!metafile) throw new CoordattnError('E_KERNEL', 'esbuild returned no metafile', { path: outfile });
  const inputs = Object.keys(metafile.inputs);
  const external = Object.values(metafile.inputs).flatMap((i) =>
    i.imports.filter((m) => m.external === true).map((m) => m.path),
  );
  const builtin = inputs.find((p) => p.startsWith('node:') || /(^|[\\/])node_modules[\\/]/.test(p));
  if (external.length > 0 || builtin !== undefined) {
    throw new CoordattnError(
      'E_KERNEL',
      `the browser bundle would load ${builtin ?? external.join(', ')}, which is not part of the module`,
      { path: outfile },
    );
  }
  const dts = join(dir, BROWSER_BUNDLE.replace(/\.js$/, '.d.ts'));
  writeFileSync(
    dts,
    "// The browser bundle exports exactly what model.js exports.\nexport * from './model.js';\n",
  );
  return { dir, files: [outfile, dts], inputs, external };
}
