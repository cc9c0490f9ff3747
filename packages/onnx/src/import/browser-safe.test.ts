/**
 * The importer parses from a Uint8Array with no Node built-ins, so a browser page can use it: every
 * module it loads at run time (type-only imports aside), through the workspace packages too, is free
 * of `node:` modules.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A workspace specifier (`@coordattn/ir`, `@coordattn/reference/tensor`) → its source file. */
function workspaceFile(spec: string): string {
  const [, name, sub] = /^@coordattn\/([^/]+)(?:\/(.+))?$/.exec(spec)!;
  const pkg = JSON.parse(readFileSync(join(PACKAGES, name, 'package.json'), 'utf8')) as {
    exports: Record<string, { '@coordattn/source'?: string }>;
  };
  // The TypeScript source behind the export (the condition the workspace's tests resolve).
  const entry = pkg.exports[sub ? `./${sub}` : '.']?.['@coordattn/source'];
  if (!entry) throw new Error(`${spec} is not exported with a @coordattn/source condition`);
  return join(PACKAGES, name, entry);
}

/** Run-time imports of a module (static `import … from`, `export … from`; `import type` excluded). */
function runtimeImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
    if (!m[2]) out.push(m[3]);
  }
  for (const m of src.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]);
  return out;
}

/** Every module reached from `entry`, with the import chain that reached it. */
function closure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    for (const spec of runtimeImports(file)) {
      let target: string;
      if (spec.startsWith('.')) target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      else if (spec.startsWith('@coordattn/')) target = workspaceFile(spec);
      else target = `external:${spec}`;
      if (seen.has(target)) continue;
      seen.set(target, [...seen.get(file)!, target]);
      if (!target.startsWith('external:')) stack.push(target);
    }
  }
  return seen;
}

describe('the importer needs no Node built-ins', () => {
  it('import/index.ts reaches no node: module', () => {
    const reached = closure(resolve(dirname(fileURLToPath(import.meta.url)), 'index.ts'));
    const builtins = [...reached.entries()]
      .filter(([f]) => /^external:(node:|fs$|path$|url$|os$|child_process$)/.test(f))
      .map(([, chain]) => chain.map((c) => c.replace(PACKAGES, '')).join(' → '));
    expect(builtins).toEqual([]);
    // The check sees through workspace packages: it reaches @coordattn/ir's sources.
    expect([...reached.keys()].some((f) => f.includes('/ir/src/graph/graph.ts'))).toBe(true);
  });
});
