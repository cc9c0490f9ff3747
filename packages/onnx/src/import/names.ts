/**
 * Provenance from names. torch.onnx.export names a node after the module scopes it ran in:
 * `/features/features.3/conv/conv.0/conv.0.0/Conv` is the Conv of module `features.3.conv.0.0`.
 * Each scope segment repeats the tail of its parent's path (`conv` then `conv.0` then `conv.0.0`),
 * so the module path is rebuilt by overlapping each segment with the path so far. Names of another
 * form carry no module: the report says so instead of guessing.
 */

/** A path component as the IR allows it (letters, digits, _). */
export function sanitizeComponent(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_]/g, '_');
  return t.length > 0 ? t : '_';
}

/** Joins a scope segment onto a module path, overlapping the segment's head with the path's tail. */
export function joinScope(path: readonly string[], segment: string): string[] {
  const seg = segment.split('.').filter((p) => p.length > 0);
  for (let k = Math.min(path.length, seg.length); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k; i++) {
      if (path[path.length - k + i] !== seg[i]) {
        same = false;
        break;
      }
    }
    if (same) return [...path, ...seg.slice(k)];
  }
  return [...path, ...seg];
}

/**
 * The module path of a torch-exported node name (`features.3.conv.0.0`), '' for a node at the top
 * level (`/Flatten`), or undefined when the name is not of torch's scoped form.
 */
export function modulePathOf(nodeName: string): string | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const segs = nodeName.split('/').slice(1);
  if (segs.length < 1 || segs.some((s) => s.length === 0)) return undefined;
  let path: string[] = [];
  for (const s of segs.slice(0, -1)) path = joinScope(path, s);
  return path.map(sanitizeComponent).join('.');
}

/** The deepest module containing all the given module paths. */
export function commonModule(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  const parts = paths.map((p) => (p === '' ? [] : p.split('.')));
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const c = parts[0][i];
    if (c === undefined || parts.some((p) => p[i] !== c)) break;
    out.push(c);
  }
  return out.join('.');
}

const IR_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(@[0-9]+)?$/;

/**
 * An IR path for ONNX nodes with no torch module scope: a name that is already an IR path is kept
 * (files coordattn exported name nodes after IR paths: `features.3.conv.0.0`, `relu@1`); several
 * nodes lifted into one take the common head of their '/'-separated names (`p`, `p/reshape_in`,
 * `p/reshape_out` → `p`); otherwise the name is sanitized, and an unnamed node takes its op type.
 */
export function fallbackName(
  origin: readonly { readonly name: string; readonly named: boolean; readonly opType: string }[],
): string {
  const named = origin.filter((o) => o.named);
  if (named.length === 0)
    return sanitizeComponent((origin[origin.length - 1]?.opType ?? 'node').toLowerCase());
  const parts = named.map((o) => o.name.split('/'));
  const head: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0][i]); i++) head.push(parts[0][i]);
  const name = head.filter((p) => p.length > 0).join('/') || named[named.length - 1].name;
  if (IR_PATH.test(name)) return name;
  return (
    name
      .split(/[/.]+/)
      .filter((p) => p.length > 0)
      .map(sanitizeComponent)
      .join('.') || sanitizeComponent(named[0].opType.toLowerCase())
  );
}
