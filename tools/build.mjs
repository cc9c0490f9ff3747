#!/usr/bin/env node
/**
 * Builds one package's JavaScript: `node ../../tools/build.mjs` from a package directory (its
 * `build` script). The entry points are the package's `exports`: every export with a
 * `@coordattn/source` condition (the TypeScript source the workspace's tests use) is bundled by
 * esbuild to the export's `default` path under dist/. The `.d.ts` files beside them come from
 * `tsc -b` (the `typecheck` target, which `build` depends on).
 *
 * - ESM, Node 20, code splitting: entries of one package share chunks (dist/chunks/), so a module
 *   is evaluated once however it is reached (`@coordattn/ir` and `@coordattn/ir/errors` give the
 *   same CoordattnError class), and `import()` in the source stays a lazily loaded chunk.
 * - Dependencies stay external (`import 'zod'` resolves in the user's node_modules), except the
 *   ones a package lists under `coordattn.bundle`: mathjs is bundled into @coordattn/ir, where
 *   tree-shaking keeps only the parser (loading it takes ~0.1 s instead of ~0.7 s for all of
 *   mathjs; measured in docs/performance.md "Startup").
 * - The package's own bin wrapper (bin/*.js) is plain JavaScript and not built.
 */
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** @type {Record<string, string>} entry name (path under dist without .js) -> source file */
const entries = {};
for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
  if (typeof target !== 'object' || target === null) continue;
  const src = target['@coordattn/source'];
  const out = target.default;
  if (typeof src !== 'string' || typeof out !== 'string') continue;
  if (!out.startsWith('./dist/') || !out.endsWith('.js')) {
    throw new Error(`${pkg.name}: export ${subpath} must point its default at ./dist/*.js (got ${out})`);
  }
  entries[out.slice('./dist/'.length, -'.js'.length)] = resolve(root, src);
}
for (const extra of pkg.coordattn?.entries ?? []) {
  // Entry points that are not package exports (e.g. the CLI's main, loaded by its bin script).
  entries[extra.out] = resolve(root, extra.src);
}
if (Object.keys(entries).length === 0)
  throw new Error(`${pkg.name}: no exports with a @coordattn/source condition`);

const bundled = new Set(pkg.coordattn?.bundle ?? []);
const declared = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
]);

/** `zod` of `zod/v4`, `@scope/name` of `@scope/name/sub`. */
const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Bare imports of the package's own source must be declared dependencies (kept external) or
 * listed under coordattn.bundle; anything else fails the build instead of being bundled silently
 * or left to fail at the user's import. A bundled dependency's own imports are bundled with it.
 */
const dependencyCheck = {
  name: 'declared-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { external: true };
      const name = packageName(args.path);
      if (args.importer.includes('/node_modules/')) return undefined;
      if (bundled.has(name)) return undefined;
      if (declared.has(name)) return { path: args.path, external: true };
      return {
        errors: [
          {
            text: `${pkg.name} imports '${args.path}' but does not declare '${name}' in dependencies, peerDependencies or optionalDependencies`,
          },
        ],
      };
    });
  },
};

// Stale bundles and chunks go first (chunk names carry content hashes); the .d.ts files stay.
const dist = join(root, 'dist');
function removeJs(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) removeJs(p);
    else if (name.endsWith('.js') || name.endsWith('.js.map')) rmSync(p);
  }
}
removeJs(dist);

const result = await build({
  entryPoints: entries,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  sourcesContent: false,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [dependencyCheck],
  // The workspace's own packages resolve to their built dist/ (never to src/) when bundled.
  conditions: [],
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});
// Browser pages (`coordattn.pages`): one self-contained script each, every dependency bundled (a
// page loads from file:// or the local server, never from a CDN), for the HTML report and the
// kernel runner to inline or serve.
//
// `verbatim: { "<module>": "<file>" }` (module specifiers): the file goes in byte for byte ahead of
// the bundled code, as a CommonJS/UMD factory given a `module`, and every import of <module> reads
// its exports. The kernel runner needs it for gpu.js's browser build: gpu.js compiles kernels from
// their source text and coordattn's gpu.js patch recognises gpu.js by its methods' text, so
// neither may be reprinted (packages/codegen/src/emit/bundle.ts does the same for emitted modules).
const requireHere = createRequire(join(root, 'package.json'));
function verbatimPrelude(verbatim) {
  const parts = [];
  const plugins = [];
  Object.entries(verbatim ?? {}).forEach(([mod, spec], i) => {
    const binding = `__coordattnVerbatim${i}`;
    const text = readFileSync(requireHere.resolve(spec), 'utf8');
    parts.push(
      `// ${spec} verbatim (not reprinted: see tools/build.mjs, "verbatim")`,
      `const ${binding} = (() => {`,
      'const module = { exports: {} };',
      'const exports = module.exports;',
      text,
      ';',
      'return module.exports;',
      '})();',
    );
    const filter = new RegExp(`^${mod.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    plugins.push({
      name: `verbatim-${mod}`,
      setup(b) {
        b.onResolve({ filter }, () => ({ path: mod, namespace: 'coordattn-verbatim' }));
        b.onLoad({ filter: /.*/, namespace: 'coordattn-verbatim' }, (args) =>
          args.path === mod ? { contents: `module.exports = ${binding};`, loader: 'js' } : undefined,
        );
      },
    });
  });
  return { banner: parts.join('\n'), plugins };
}
for (const page of pkg.coordattn?.pages ?? []) {
  const verbatim = verbatimPrelude(page.verbatim);
  const r = await build({
    ...(verbatim.banner ? { banner: { js: verbatim.banner } } : {}),
    plugins: verbatim.plugins,
    entryPoints: [resolve(root, page.src)],
    outfile: join(dist, 'pages', `${page.out}.js`),
    bundle: true,
    format: page.format ?? 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: page.minify ?? true,
    // A map beside the page (no sourceMappingURL comment: the HTML report inlines the script), so
    // that tools/notices.mjs sees what the page bundles.
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.entries(r.metafile.outputs)
    .filter(([f]) => f.endsWith('.js'))
    .reduce((s, [, o]) => s + o.bytes, 0);
  console.log(`${pkg.name}: page ${page.out} ${(bytes / 1024).toFixed(0)} KiB`);
}

const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
const kib = outputs.reduce((s, [, o]) => s + o.bytes, 0) / 1024;
console.log(
  `${pkg.name}: ${outputs.length} files, ${kib.toFixed(0)} KiB in ${relative(process.cwd(), dist) || 'dist'}/`,
);
