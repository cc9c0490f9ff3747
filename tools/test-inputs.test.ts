/**
 * Tests that cannot lie to a cached run: every `docs/…` or `test-data/…` path that a test names
 * must be among the inputs of its project's Nx `test` target (nx.json), or editing that file would
 * replay a stale result from the cache.
 *
 * Static: the test files (`packages/*\/src/**\/*.test.ts`) and their helpers (the files they
 * import that the package's entry point does not) are parsed with the TypeScript compiler; every
 * string literal and template-literal chunk is searched for path tokens with a `docs` or
 * `test-data` segment. A token resolves against the file's folder when it starts with `.` (as
 * `new URL(p, import.meta.url)` and `resolve(__dirname, p)` do), else against the workspace root
 * (`join(ROOT, p)`); each file it names (every file below a folder) must match the test inputs as
 * Nx reads them: named inputs expanded, `{projectRoot}` patterns with their negations, `^` inputs
 * over the project's dependencies. Run by tools/test.sh, outside the Nx cache (it reads every
 * package), as `npx vitest run --config tools/vitest.config.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

type Input = string | { readonly [key: string]: unknown };
interface NxJson {
  readonly namedInputs?: Readonly<Record<string, readonly Input[]>>;
  readonly targetDefaults?: Readonly<Record<string, { readonly inputs?: readonly Input[] }>>;
}

interface Project {
  readonly name: string;
  /** Relative to the workspace root, '/'-separated: `packages/codegen`. */
  readonly root: string;
  readonly exports: Readonly<Record<string, string>>;
  readonly deps: readonly string[];
}

/** A path a test names, resolved to a workspace-relative path. */
interface Reference {
  readonly file: string;
  readonly literal: string;
  readonly path: string;
}

const rel = (abs: string): string => relative(ROOT, abs).split('\\').join('/');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function walk(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist' && !e.name.startsWith('.'))
        out.push(...walk(p, keep));
    } else if (keep(p)) out.push(p);
  }
  return out.sort();
}

// ---- the workspace ------------------------------------------------------------------------------

function projects(): Project[] {
  const dirs = readdirSync(join(ROOT, 'packages')).filter((d) =>
    existsSync(join(ROOT, 'packages', d, 'package.json')),
  );
  return dirs.map((d) => {
    const pkg = readJson<{
      name: string;
      exports?: Record<string, string | { default?: string }>;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    }>(join(ROOT, 'packages', d, 'package.json'));
    const exports: Record<string, string> = {};
    for (const [k, v] of Object.entries(pkg.exports ?? {})) {
      const target = typeof v === 'string' ? v : v.default;
      if (target) exports[k] = posix.join(`packages/${d}`, target);
    }
    const deps = Object.keys({
      ...pkg.dependencies,
      ...pkg.devDependencies,
      ...pkg.optionalDependencies,
      ...pkg.peerDependencies,
    });
    return { name: pkg.name, root: `packages/${d}`, exports, deps };
  });
}

/** The workspace projects `p` depends on, directly or not. */
function dependencies(p: Project, all: readonly Project[]): Project[] {
  const byName = new Map(all.map((q) => [q.name, q]));
  const seen = new Set<string>();
  const stack = [...p.deps];
  while (stack.length) {
    const name = stack.pop()!;
    const q = byName.get(name);
    if (!q || seen.has(name) || name === p.name) continue;
    seen.add(name);
    stack.push(...q.deps);
  }
  return all.filter((q) => seen.has(q.name));
}

// ---- Nx inputs ------------------------------------------------------------------------------------

/** A glob as Nx (minimatch) reads it, for '/'-separated workspace-relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length;) {
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 3;
    } else if (glob.startsWith('**', i)) {
      re += '.*';
      i += 2;
    } else {
      const c = glob[i++];
      if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else if (c === '{') {
        re += '(?:';
        braces++;
      } else if (c === '}' && braces > 0) {
        re += ')';
        braces--;
      } else if (c === ',' && braces > 0) re += '|';
      else re += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** The file patterns of one project's inputs: negations apply to its `{projectRoot}` files. */
interface FileSets {
  readonly workspace: RegExp[];
  readonly project: { readonly root: string; readonly include: RegExp[]; readonly exclude: RegExp[] }[];
}

/** Expands `inputs` (named inputs, `^` inputs, file sets) for `p` into file patterns. */
export function fileSets(
  nx: NxJson,
  inputs: readonly Input[],
  p: Project,
  all: readonly Project[],
): FileSets {
  const named = nx.namedInputs ?? {};
  const sets: FileSets = { workspace: [], project: [] };
  const own = { root: p.root, include: [] as RegExp[], exclude: [] as RegExp[] };
  sets.project.push(own);
  const expand = (list: readonly Input[], seen: ReadonlySet<string>): void => {
    for (const input of list) {
      const fileset =
        typeof input === 'string' ? input : typeof input.fileset === 'string' ? input.fileset : undefined;
      if (fileset === undefined) continue; // env, runtime, externalDependencies: not files
      if (fileset.startsWith('^')) {
        for (const d of dependencies(p, all)) {
          const sub = fileSets(nx, [fileset.slice(1)], d, all);
          sets.workspace.push(...sub.workspace);
          sets.project.push(...sub.project);
        }
      } else if (named[fileset]) {
        if (seen.has(fileset)) throw new Error(`nx.json: named input '${fileset}' refers to itself`);
        expand(named[fileset], new Set([...seen, fileset]));
      } else {
        const negated = fileset.startsWith('!');
        const body = negated ? fileset.slice(1) : fileset;
        if (body.startsWith('{workspaceRoot}/')) {
          if (!negated) sets.workspace.push(globToRegExp(body.slice('{workspaceRoot}/'.length)));
        } else if (body.startsWith('{projectRoot}/')) {
          const re = globToRegExp(posix.join(p.root, body.slice('{projectRoot}/'.length)));
          (negated ? own.exclude : own.include).push(re);
        } else {
          throw new Error(`nx.json: input '${fileset}' is neither a named input nor a file set`);
        }
      }
    }
  };
  expand(inputs, new Set());
  return sets;
}

export function covered(path: string, sets: FileSets): boolean {
  if (sets.workspace.some((re) => re.test(path))) return true;
  return sets.project.some(
    (s) =>
      path.startsWith(`${s.root}/`) &&
      s.include.some((re) => re.test(path)) &&
      !s.exclude.some((re) => re.test(path)),
  );
}

// ---- what the tests name ------------------------------------------------------------------------

function sourceFile(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every string literal and template chunk of a file (comments are not literals). */
function literals(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteralLike(n) || ts.isTemplateLiteralToken(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The files a module imports (relative or `@coordattn/…`), resolved to .ts sources. */
function imports(path: string, all: readonly Project[]): string[] {
  const sf = sourceFile(path);
  const specs: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) {
      if (ts.isStringLiteral(n.moduleSpecifier)) specs.push(n.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments.length > 0 &&
      ts.isStringLiteralLike(n.arguments[0])
    ) {
      specs.push(n.arguments[0].text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const out: string[] = [];
  for (const spec of specs) {
    if (spec.startsWith('.')) {
      const base = resolve(dirname(path), spec);
      const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
      const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (hit) out.push(hit);
    } else {
      const m = /^(@coordattn\/[^/]+)(\/.*)?$/.exec(spec);
      const target = m && all.find((p) => p.name === m[1])?.exports[m[2] ? `.${m[2]}` : '.'];
      if (target) out.push(join(ROOT, target));
    }
  }
  return out;
}

function reachable(from: readonly string[], all: readonly Project[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...imports(f, all));
  }
  return seen;
}

/**
 * The test files of every package, and their helpers: files the tests import that no package's
 * entry point (`exports["."]`) reaches.
 */
export function testSources(all: readonly Project[]): string[] {
  const tests = all.flatMap((p) => walk(join(ROOT, p.root, 'src'), (f) => f.endsWith('.test.ts')));
  const production = reachable(
    all.flatMap((p) => (p.exports['.'] ? [join(ROOT, p.exports['.'])] : [])),
    all,
  );
  return [...reachable(tests, all)].filter((f) => !production.has(f) && f.endsWith('.ts')).sort();
}

const PATH_TOKEN = /[\w.@/-]+/g;
const NAMES_DOCS_OR_TEST_DATA = /(^|\/)(docs|test-data)\//;

/** The docs/ and test-data/ paths `file` names, resolved (see the module comment). */
export function references(file: string): Reference[] {
  const out: Reference[] = [];
  for (const text of literals(sourceFile(file))) {
    for (const [match] of text.matchAll(PATH_TOKEN)) {
      const token = match.replace(/\.+$/, ''); // a path at the end of a sentence
      if (!NAMES_DOCS_OR_TEST_DATA.test(token)) continue;
      const abs = token.startsWith('.') ? resolve(dirname(file), token) : resolve(ROOT, token);
      out.push({ file: rel(file), literal: token, path: rel(abs) });
    }
  }
  return out;
}

/** Where the project of a workspace-relative file is. */
const projectOf = (file: string, all: readonly Project[]): Project | undefined =>
  all.find((p) => file.startsWith(`${p.root}/`));

/** Every named path that is missing or not among the test inputs of the naming file's project. */
export function violations(nx: NxJson, all: readonly Project[], refs: readonly Reference[]): string[] {
  const inputs = nx.targetDefaults?.test?.inputs ?? ['default', '^default'];
  const problems: string[] = [];
  for (const r of refs) {
    const p = projectOf(r.file, all);
    if (!p) continue;
    const sets = fileSets(nx, inputs, p, all);
    const abs = join(ROOT, r.path);
    if (!existsSync(abs)) {
      problems.push(`${r.file} names '${r.literal}' (${r.path}), which does not exist`);
      continue;
    }
    const files = statSync(abs).isDirectory() ? walk(abs, () => true).map(rel) : [r.path];
    const missing = files.filter((f) => !covered(f, sets));
    if (missing.length > 0) {
      problems.push(
        `${r.file} names '${r.literal}': ${missing.slice(0, 3).join(', ')}` +
          `${missing.length > 3 ? ` and ${missing.length - 3} more` : ''} not among the inputs of ${p.name}:test`,
      );
    }
  }
  return problems;
}

// ---- the check ------------------------------------------------------------------------------------

describe('Nx test inputs cover what the tests read', () => {
  const nx = readJson<NxJson>(join(ROOT, 'nx.json'));
  const all = projects();
  const sources = testSources(all);
  const refs = sources.flatMap(references);

  it('every docs/ and test-data/ path a test or test helper names is a test input of its project', () => {
    expect(violations(nx, all, refs)).toEqual([]);
  });

  it('finds the known references (the scan is not vacuous)', () => {
    const found = new Set(refs.map((r) => `${r.file} → ${r.path}`));
    expect(found).toContain('packages/codegen/src/meta.test.ts → docs/kernels.md');
    expect(found).toContain(
      'packages/codegen/src/network.test.ts → packages/reference/test-data/mbv2-ca-w035-64px',
    );
    expect(found).toContain('packages/cli/src/onnx.test.ts → packages/onnx/test-data');
    expect(found).toContain('packages/cli/src/cli.test.ts → docs/paper-reproduction.md');
    expect(sources.map(rel)).toContain('packages/codegen/src/test-util.ts');
    expect(sources.map(rel)).not.toContain('packages/codegen/src/index.ts');
  });

  it('without docs/ and other packages’ test-data/ among the inputs, the check fails', () => {
    const bare: NxJson = {
      ...nx,
      targetDefaults: { test: { inputs: ['default', '^production'] } },
    };
    const problems = violations(bare, all, refs);
    expect(
      problems.some((m) =>
        m.startsWith("packages/codegen/src/meta.test.ts names '../../../docs/kernels.md'"),
      ),
    ).toBe(true);
    expect(problems.some((m) => m.startsWith('packages/codegen/src/network.test.ts names'))).toBe(true);
  });

  it('reads globs and negations as Nx does', () => {
    expect(globToRegExp('docs/**/*').test('docs/kernels.md')).toBe(true);
    expect(globToRegExp('docs/**/*').test('docs/a/b.md')).toBe(true);
    expect(globToRegExp('packages/*/test-data/**/*').test('packages/onnx/test-data/x.onnx')).toBe(true);
    expect(globToRegExp('packages/*/test-data/**/*').test('packages/onnx/src/test-data.ts')).toBe(false);
    const codegen = all.find((p) => p.name === '@coordattn/codegen')!;
    const production = fileSets(nx, ['^production'], codegen, all);
    expect(covered('packages/reference/src/tensor.ts', production)).toBe(true);
    expect(covered('packages/reference/src/golden.test.ts', production)).toBe(false);
    expect(covered('packages/reference/test-data/name-maps.json', production)).toBe(false);
  });
});
