/** JSON-pointer-like paths for error messages: `nodes[3].attrs.kernel`, `attention.config.reduction`. */
export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT.test(seg) && seg.length <= 60)
      out += out === '' ? seg : `.${seg}`;
    else {
      const s = String(seg);
      out += `[${JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s)}]`;
    }
  }
  return out;
}

/** Joins a file name and a path inside it: `model.json:nodes[3].attrs.kernel`. */
export function withSourcePath(source: string | undefined, path: string | undefined): string | undefined {
  if (!source) return path;
  return path ? `${source}:${path}` : source;
}

/** A name for messages, cut to a readable length. */
export function shortName(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
