#!/usr/bin/env node
/**
 * The public API of every package, as API Extractor reports (docs/api/<report>.api.md), checked for
 * drift:
 *
 *   node tools/api-check.mjs            npx tsc -b, then fail when a report differs from the
 *                                       committed one (a changed public API that was not reviewed)
 *   node tools/api-check.mjs --update   npx tsc -b, then rewrite the reports (commit the diff)
 *   ... --no-build                      skip `tsc -b` (the .d.ts files in packages/*\/dist are current)
 *
 * One config per package entry point: packages/<p>/api-extractor.json for `.`, and
 * packages/<p>/api-extractor.<subpath>.json for the subpath exports (`@coordattn/ir/testing`), all
 * extending api-extractor.base.json. The check also fails when a package export (other than
 * `./package.json`) has no config, or when docs/api holds a report that no config writes.
 *
 * All entry points are analysed in one TypeScript program (one compiler state shared by every
 * invocation), so the whole check takes seconds.
 */
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const REPORTS = join(ROOT, 'docs', 'api');
const args = process.argv.slice(2);
const update = args.includes('--update') || args.includes('--local');
const build = !args.includes('--no-build');
for (const a of args) {
  if (!['--update', '--local', '--no-build'].includes(a)) {
    console.error(`api-check: unknown argument ${a} (use --update, --local or --no-build)`);
    process.exit(2);
  }
}
const rel = (p) => relative(ROOT, p).split('\\').join('/');

if (build) {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-b'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('api-check: `tsc -b` failed');
    process.exit(1);
  }
}

/** Every packages/<p>/api-extractor*.json, prepared, with the package's exports. */
const configs = [];
const problems = [];
for (const dir of readdirSync(join(ROOT, 'packages')).sort()) {
  const pkgDir = join(ROOT, 'packages', dir);
  if (!existsSync(join(pkgDir, 'package.json'))) continue;
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const mine = readdirSync(pkgDir)
    .filter((f) => /^api-extractor(\.[\w-]+)?\.json$/.test(f))
    .sort()
    .map((f) => ExtractorConfig.loadFileAndPrepare(join(pkgDir, f)));
  configs.push(...mine);
  const entries = new Set(mine.map((c) => resolve(c.mainEntryPointFilePath)));
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath === './package.json') continue;
    const types = typeof target === 'object' && target !== null ? target.types : undefined;
    if (typeof types !== 'string') {
      problems.push(`${pkg.name}: export '${subpath}' has no "types" condition`);
    } else if (!entries.has(resolve(pkgDir, types))) {
      problems.push(
        `${pkg.name}: export '${subpath}' (${types}) has no API report: add packages/${dir}/api-extractor` +
          `${subpath === '.' ? '' : `.${basename(subpath)}`}.json (see packages/ir/api-extractor.testing.json)`,
      );
    }
  }
}

const reportPaths = configs.flatMap((c) => c.reportConfigs.map((r) => resolve(c.reportFolder, r.fileName)));
if (existsSync(REPORTS)) {
  for (const f of readdirSync(REPORTS).filter((f) => f.endsWith('.api.md'))) {
    if (!reportPaths.includes(resolve(REPORTS, f))) {
      problems.push(`docs/api/${f} is written by no packages/*/api-extractor*.json: delete it`);
    }
  }
}

for (const c of configs) {
  if (!existsSync(c.mainEntryPointFilePath)) {
    problems.push(`${rel(c.mainEntryPointFilePath)} does not exist: run npx tsc -b`);
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(`api-check: ${p}`);
  process.exit(1);
}

// One program for every entry point: each package's own resolution would give the same program.
const compilerState = CompilerState.create(configs[0], {
  additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath),
});

let failed = 0;
for (const config of configs) {
  const name = `${config.packageJson?.name ?? '?'} (${rel(config.mainEntryPointFilePath)})`;
  const result = Extractor.invoke(config, {
    compilerState,
    localBuild: update,
    printApiReportDiff: !update,
    messageCallback: (m) => {
      // The banner lines ("Analysis will use the bundled TypeScript version") are noise here.
      if (m.logLevel === ExtractorLogLevel.Info || m.logLevel === ExtractorLogLevel.Verbose) {
        m.handled = true;
      }
    },
  });
  const reports = config.reportConfigs.map((r) => rel(resolve(config.reportFolder, r.fileName))).join(', ');
  if (!result.succeeded) {
    failed++;
    console.error(
      `api-check: ${name}: ${result.errorCount} error(s), ${result.warningCount} warning(s)` +
        (result.apiReportChanged
          ? ` — the public API differs from ${reports}; if the change is intended, run node tools/api-check.mjs --update and commit the report`
          : ''),
    );
  } else {
    console.log(`api-check: ${name}: ${update && result.apiReportChanged ? 'updated' : 'ok'} ${reports}`);
  }
}
if (failed > 0) process.exit(1);
