/**
 * THIRD_PARTY_NOTICES.md names every runtime dependency of every package (dependencies, optional
 * and peer dependencies, and the packages bundled into dist/), and is what `node tools/notices.mjs`
 * writes from node_modules and the built dist/ files (the check needs the build: skipped with a
 * warning without it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NOTICES = readFileSync(join(ROOT, 'THIRD_PARTY_NOTICES.md'), 'utf8');

interface PackageJson {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly coordattn?: { readonly bundle?: readonly string[] };
}

const packages = readdirSync(join(ROOT, 'packages'))
  .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
  .map((d) => JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) as PackageJson);

/** The table row of a package: `| [name](url) |` or `| name |`. */
const listed = (name: string, text = NOTICES): boolean =>
  text.includes(`| [${name}](`) ||
  new RegExp(`^\\| ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\|`, 'm').test(text);

describe('THIRD_PARTY_NOTICES.md', () => {
  const runtime = packages.flatMap((p) =>
    [
      ...Object.keys(p.dependencies ?? {}),
      ...Object.keys(p.optionalDependencies ?? {}),
      ...Object.keys(p.peerDependencies ?? {}),
      ...(p.coordattn?.bundle ?? []),
    ]
      .filter((d) => !d.startsWith('@coordattn/'))
      .map((d) => [p.name, d] as const),
  );

  it('reads the packages (the check is not vacuous)', () => {
    expect(packages.map((p) => p.name)).toContain('@coordattn/ir');
    expect(runtime.map(([, d]) => d)).toEqual(expect.arrayContaining(['zod', 'gpu.js', 'mathjs']));
  });

  it.each(runtime)('%s: %s is listed', (_pkg, dep) => {
    expect(listed(dep), `${dep} is missing: run node tools/notices.mjs`).toBe(true);
  });

  it("names what is bundled, with the license texts, and gpu.js's license for the patch", () => {
    const bundled = NOTICES.slice(NOTICES.indexOf('## Bundled'), NOTICES.indexOf('## gpu.js'));
    for (const b of packages.flatMap((p) => p.coordattn?.bundle ?? [])) {
      expect(listed(b, bundled), `${b} is not in the bundled section`).toBe(true);
      expect(NOTICES).toMatch(new RegExp(`^### ${b} `, 'm'));
    }
    expect(NOTICES).toContain('Copyright (c) 2019 gpu.js Team');
    expect(NOTICES).toContain('Apache License');
  });

  const built = packages.every((p) =>
    existsSync(join(ROOT, 'packages', p.name.replace('@coordattn/', ''), 'dist', 'index.js')),
  );
  if (!built)
    console.warn('THIRD_PARTY_NOTICES.md is not compared with node tools/notices.mjs: npm run build first');
  it.runIf(built)('is current (node tools/notices.mjs --check)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'notices.mjs'), '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });
});
