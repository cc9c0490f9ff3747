#!/usr/bin/env node
/**
 * Writes THIRD_PARTY_NOTICES.md from what is installed in node_modules:
 *
 *   node tools/notices.mjs           write it
 *   node tools/notices.mjs --check   exit 1 when the committed file differs (stale)
 *
 * - Bundled: the third-party modules esbuild put into our dist/ files (read from the source maps
 *   of packages/<p>/dist/**\/*.js, so it is what the build really bundled — mathjs and the parts of
 *   its dependencies the parser uses, in @coordattn/ir). Their license texts and NOTICE files are
 *   reproduced in full. Needs the build (`npm run build`).
 * - gpu.js: our runtime patches its WebAssembly code generator, and the patch (derived from its
 *   code) is copied beside every emitted model module; its license is reproduced in full.
 * - Installed: every package that `npm install @coordattn/<p>` installs beside ours — the
 *   dependencies, optional dependencies and bundled packages of each packages/<p>/package.json,
 *   and theirs, transitively — with version, license and copyright line(s).
 *
 * Each package's license comes from its package.json, its copyright lines from its LICENSE /
 * LICENCE / COPYING file (template lines of the license text itself left out), else from its
 * NOTICE file, else from its package.json author. The few packages that ship no license file are
 * in NO_LICENSE_FILE below, with where their license text is.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TARGET = join(ROOT, 'THIRD_PARTY_NOTICES.md');

/** Packages whose npm tarball has no license file: where the license is, and its copyright line. */
const NO_LICENSE_FILE = {
  'javascript-natural-sort': {
    copyright: 'Copyright (c) 2011 Jim Palmer and other contributors',
    where: 'MIT, stated in its package.json and the header of naturalSort.js',
  },
  seedrandom: {
    copyright: 'Copyright 2019 David Bau.',
    where: 'MIT, in the header of seedrandom.js',
  },
  'onnxruntime-common': {
    copyright: 'Copyright (c) Microsoft Corporation.',
    where: 'MIT, the LICENSE of https://github.com/microsoft/onnxruntime',
  },
  'onnxruntime-node': {
    copyright: 'Copyright (c) Microsoft Corporation.',
    where: 'MIT, the LICENSE of https://github.com/microsoft/onnxruntime',
  },
  'onnxruntime-web': {
    copyright: 'Copyright (c) Microsoft Corporation.',
    where: 'MIT, the LICENSE of https://github.com/microsoft/onnxruntime',
  },
};

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const rel = (p) => relative(ROOT, p).split(sep).join('/');

// ---- our packages -------------------------------------------------------------------------------

const ours = readdirSync(join(ROOT, 'packages'))
  .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
  .sort()
  .map((d) => {
    const dir = join(ROOT, 'packages', d);
    const pkg = readJson(join(dir, 'package.json'));
    return { dir, pkg, name: pkg.name };
  });
const ourNames = new Set(ours.map((p) => p.name));

/** What a package needs at run time: dependencies, optional ones and the ones bundled into its dist. */
export function runtimeDependencies(pkg) {
  return [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...(pkg.coordattn?.bundle ?? []),
  ].filter((n, i, all) => all.indexOf(n) === i);
}

// ---- node_modules -------------------------------------------------------------------------------

/** Node's lookup of `name` from a package folder: its node_modules, then each parent's. */
function locate(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const p = join(d, 'node_modules', name, 'package.json');
    if (existsSync(p)) return dirname(p);
    if (dirname(d) === d) return undefined;
  }
}

/** name@version -> { name, version, dir, pkg, optional, by: Set<our package> } */
const installed = new Map();
function visit(name, fromDir, by, optional) {
  if (ourNames.has(name)) return;
  const dir = locate(name, fromDir);
  if (!dir) {
    if (optional) return; // an optional dependency this platform did not install
    throw new Error(`${name} (needed by ${rel(fromDir) || '.'}) is not installed: run npm ci`);
  }
  const pkg = readJson(join(dir, 'package.json'));
  const key = `${pkg.name}@${pkg.version}`;
  const seen = installed.get(key);
  if (seen) {
    seen.by.add(by);
    seen.optional &&= optional;
    return;
  }
  installed.set(key, { name: pkg.name, version: pkg.version, dir, pkg, optional, by: new Set([by]) });
  for (const d of Object.keys(pkg.dependencies ?? {})) visit(d, dir, by, optional);
  for (const d of Object.keys(pkg.optionalDependencies ?? {})) visit(d, dir, by, true);
}
for (const p of ours) {
  for (const d of Object.keys(p.pkg.dependencies ?? {})) visit(d, p.dir, p.name, false);
  // `coordattn.bundle` packages are not installed: what the build took from them is in dist/ (below).
  for (const d of Object.keys(p.pkg.optionalDependencies ?? {})) visit(d, p.dir, p.name, true);
  for (const d of Object.keys(p.pkg.peerDependencies ?? {})) visit(d, p.dir, p.name, true);
}

// ---- what the build bundled ---------------------------------------------------------------------

function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

/** Package folder (under node_modules) of a bundled source file, or undefined. */
function packageDirOf(file) {
  const parts = file.split(sep);
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return undefined;
  const n = parts[i + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, i + 1 + n).join(sep);
}

/** package folder -> Set<our package that bundles it> */
const bundled = new Map();
let built = true;
for (const p of ours) {
  const maps = walk(join(p.dir, 'dist'), (f) => f.endsWith('.js.map'));
  if (maps.length === 0 && walk(join(p.dir, 'dist'), (f) => f.endsWith('.js')).length === 0) built = false;
  for (const m of maps) {
    const { sources = [] } = readJson(m);
    for (const s of sources) {
      const dir = packageDirOf(resolve(dirname(m), s));
      if (!dir) continue;
      if (!bundled.has(dir)) bundled.set(dir, new Set());
      bundled.get(dir).add(p.name);
    }
  }
  for (const b of p.pkg.coordattn?.bundle ?? []) {
    const dir = locate(b, p.dir);
    if (built && dir && !bundled.has(dir)) {
      throw new Error(`${p.name} declares ${b} as bundled, but no dist/ source map of it names ${b}`);
    }
  }
}
if (!built) {
  console.error(
    'tools/notices.mjs: packages/*/dist is not built (npm run build): the bundled section needs it',
  );
  process.exit(1);
}

// ---- licenses -----------------------------------------------------------------------------------

function licenseFile(dir) {
  const f = readdirSync(dir)
    .filter((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n))
    .sort()[0];
  return f ? join(dir, f) : undefined;
}
function noticeFile(dir) {
  const f = readdirSync(dir).find((n) => /^notice(\.(md|txt))?$/i.test(n));
  return f ? join(dir, f) : undefined;
}
const TEMPLATE =
  /copyright (notice|owner|holder|license|statement)|^copyright in it|\[yyyy\]|\[name of|<year>|<copyright/i;

function copyrightOf(e) {
  const file = licenseFile(e.dir);
  const lines = (text) =>
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => /^(copyright\b|©|\(c\)\s*\d)/i.test(l) && !TEMPLATE.test(l));
  if (file) {
    const found = lines(readFileSync(file, 'utf8'));
    if (found.length > 0) return found;
  }
  const notice = noticeFile(e.dir);
  if (notice) {
    const found = lines(readFileSync(notice, 'utf8'));
    if (found.length > 0) return found;
  }
  if (NO_LICENSE_FILE[e.name]) return [NO_LICENSE_FILE[e.name].copyright];
  const a = e.pkg.author;
  const author = typeof a === 'string' ? a : a?.name;
  return author ? [`(package author: ${author})`] : ['(no copyright line in the package)'];
}

function licenseOf(e) {
  const l =
    e.pkg.license ?? (Array.isArray(e.pkg.licenses) ? e.pkg.licenses.map((x) => x.type).join(' OR ') : '');
  return l || 'UNKNOWN';
}

function repoOf(e) {
  const r = e.pkg.repository;
  const url = typeof r === 'string' ? r : r?.url;
  if (!url) return e.pkg.homepage ?? '';
  return url
    .replace(/^git\+/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^ssh:\/\/git@/, 'https://')
    .replace(/^git@github\.com:/, 'https://github.com/')
    .replace(/^github:/, 'https://github.com/')
    .replace(/\.git$/, '')
    .replace(/^([\w-]+\/[\w.-]+)$/, 'https://github.com/$1');
}

const fence = (text) => {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${text.trimEnd()}\n${f}`;
};

function fullText(e) {
  const file = licenseFile(e.dir);
  const out = [];
  if (file) out.push(`License (${file.split(sep).pop()}):`, '', fence(readFileSync(file, 'utf8')));
  else out.push(`No license file in the package: ${NO_LICENSE_FILE[e.name]?.where ?? licenseOf(e)}.`);
  const notice = noticeFile(e.dir);
  if (notice) out.push('', `NOTICE (${notice.split(sep).pop()}):`, '', fence(readFileSync(notice, 'utf8')));
  return out.join('\n');
}

// ---- the document -------------------------------------------------------------------------------

const entries = [...installed.values()].sort(
  (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
);
const byDir = new Map(entries.map((e) => [e.dir, e]));
const bundledEntries = [...bundled.keys()]
  .map(
    (dir) =>
      byDir.get(dir) ?? {
        ...(() => {
          const pkg = readJson(join(dir, 'package.json'));
          return { name: pkg.name, version: pkg.version, pkg };
        })(),
        dir,
        optional: false,
        by: bundled.get(dir),
      },
  )
  .sort((a, b) => a.name.localeCompare(b.name));
const gpujs = entries.find((e) => e.name === 'gpu.js');
if (!gpujs) throw new Error('gpu.js is not a dependency any more: update tools/notices.mjs');

const cell = (s) => s.replace(/\|/g, '\\|');
const linked = (e) => (repoOf(e) ? `[${e.name}](${repoOf(e)})` : e.name);
const row = (e, by) =>
  `| ${linked(e)} | ${e.version} | ${cell(licenseOf(e))} | ${cell(copyrightOf(e).join('<br>'))} | ${by} |`;

const usedBy = (e) =>
  [...e.by]
    .sort()
    .map((n) => n.replace('@coordattn/', ''))
    .join(', ') + (e.optional ? ' (optional)' : '');

const doc = [
  '# Third-party notices',
  '',
  '<!-- Generated by tools/notices.mjs from node_modules and the built dist/ files; do not edit. -->',
  '',
  'The `@coordattn/*` packages are MIT-licensed ([LICENSE](LICENSE)). They contain or install the',
  'third-party software below. This file is generated by `node tools/notices.mjs` from what',
  '`npm ci` installed and `npm run build` bundled; `tools/notices.test.ts` checks that it is current',
  'and names every runtime dependency of every package.',
  '',
  '## Bundled into our files',
  '',
  'esbuild copies these modules (the parts the code uses) into the `dist/` files of the package',
  'named; their licenses and notices, reproduced in full below, apply to those parts.',
  '',
  '| package | version | license | copyright | bundled into |',
  '| --- | --- | --- | --- | --- |',
  ...bundledEntries.map((e) => row(e, [...(bundled.get(e.dir) ?? [])].sort().join(', '))),
  '',
  '## gpu.js and our patch of its code generator',
  '',
  '`@coordattn/codegen` runs kernels with [gpu.js](https://github.com/gpujs/gpu.js) (MIT) and, when',
  "it loads gpu.js, patches gpu.js's WebAssembly code generator: `packages/codegen/src/runtime/gpujs-patch.ts`",
  "replaces some of the generator's methods with versions derived from gpu.js's own code (i32",
  'integer locals, SIMD loads; guarded by the gpu.js version and a fingerprint of the methods it',
  'replaces; write-up in [docs/gpujs-patch.md](docs/gpujs-patch.md)). The patch is part of',
  "`@coordattn/codegen`'s dist and is copied beside every model module that `coordattn compile`",
  "emits, so those copies carry gpu.js's license below. gpu.js itself is installed as a dependency,",
  'not bundled.',
  '',
  `### gpu.js ${gpujs.version}`,
  '',
  ...copyrightOf(gpujs),
  '',
  fullText(gpujs),
  '',
  '## Installed with our packages',
  '',
  'npm installs these beside ours (they are not copied into our files). "Used by" names the package',
  'of ours whose dependency tree brings each in; "optional" ones are optional dependencies that npm',
  'skips when they cannot be installed (`gl`, the headless WebGL of the `headlessgl` mode, which',
  'builds from source; `onnxruntime-node` and `onnxruntime-web`, used by `coordattn bench`).',
  '',
  '| package | version | license | copyright | used by |',
  '| --- | --- | --- | --- | --- |',
  ...entries.filter((e) => !bundled.has(e.dir)).map((e) => row(e, usedBy(e))),
  '',
  '## Not shipped',
  '',
  'Nothing else is distributed with the packages. In particular KaTeX (the reports write LaTeX as',
  'text; nothing renders it) and charting libraries (the SVG charts are written by our own code with',
  "d3-scale's scales) are not shipped. The development tools (TypeScript, Vitest, ESLint, Prettier,",
  'Nx, API Extractor, PyTorch for the test data) are not part of the packages,',
  "except where listed above as a runtime dependency (ts-morph brings TypeScript for the emitter's",
  'type check; esbuild compiles emitted modules).',
  '',
  '## License texts of the bundled packages',
  '',
  ...bundledEntries.flatMap((e) => [`### ${e.name} ${e.version}`, '', fullText(e), '']),
].join('\n');

const options = (await resolveConfig(TARGET)) ?? {};
const text = await format(doc, { ...options, parser: 'markdown' });

if (process.argv.includes('--check')) {
  const current = existsSync(TARGET) ? readFileSync(TARGET, 'utf8') : '';
  if (current !== text) {
    console.error('THIRD_PARTY_NOTICES.md is stale: run node tools/notices.mjs');
    process.exit(1);
  }
  console.log('THIRD_PARTY_NOTICES.md is current');
} else {
  writeFileSync(TARGET, text);
  console.log(
    `wrote THIRD_PARTY_NOTICES.md: ${bundledEntries.length} bundled, ${entries.length} installed packages`,
  );
}
