/**
 * LaTeX → MathML with KaTeX (`output: 'mathml'`): the browser lays the math out itself (MathML Core),
 * so the page needs no KaTeX CSS or fonts and stays one self-contained file. MathML has no automatic
 * line breaks, so long sums are broken into aligned lines first (`breakTex`).
 */
import katex from 'katex';

/**
 * Splits LaTeX at the given separators where they stand at the top level (outside braces,
 * `\left…\right` and `\begin…\end`); each piece keeps the separator that precedes it.
 */
export function splitTopLevel(tex: string, separators: readonly string[]): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < tex.length; i++) {
    const rest = tex.slice(i, i + 8);
    if (/^\\(left|begin)(?![a-zA-Z])/.test(rest)) depth++;
    else if (/^\\(right|end)(?![a-zA-Z])/.test(rest)) depth--;
    else if (tex[i] === '\\') {
      i++; // an escaped character (\{, \,) or the first letter of a command
      continue;
    } else if (tex[i] === '{') depth++;
    else if (tex[i] === '}') depth--;
    else if (depth === 0 && i > start) {
      const sep = separators.find((s) => rest.startsWith(s));
      if (sep !== undefined) {
        out.push(tex.slice(start, i));
        start = i;
        i += sep.length - 1;
      }
    }
  }
  out.push(tex.slice(start));
  return out.filter((s) => s.trim() !== '');
}

/** About how wide a piece of LaTeX prints, in characters. */
export function visibleLength(tex: string): number {
  return tex
    .replace(/\\(left|right|cdot|mathrm|text|quad|operatorname|lfloor|rfloor|lceil|rceil)\b/g, (m) =>
      m === '\\cdot' || m === '\\quad' ? '  ' : m.includes('floor') || m.includes('ceil') ? ' ' : '',
    )
    .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, (_, a: string, b: string) => (a.length > b.length ? a : b))
    .replace(/\\[a-zA-Z]+/g, 'xx')
    .replace(/[{}\\]/g, '').length;
}

/** Packs pieces into lines of about `width` characters (a piece longer than that is a line of its own). */
function pack(pieces: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const p of pieces) {
    if (line !== '' && visibleLength(line + p) > width) {
      lines.push(line);
      line = '';
    }
    line += p;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * A formula's LaTeX as lines of about `width` characters: the sum broken at its top-level `+` / `−`
 * (each continuation line starts with its sign), then the definitions after "where". A short formula
 * is one line.
 */
export function breakTex(tex: string, width = 100): string[] {
  if (visibleLength(tex) <= width) return [tex];
  const [body, where] = tex.split(',\\quad\\text{where } ');
  const lines = pack(splitTopLevel(body, [' + ', ' - ']), width).map((l) => l.trimStart());
  if (where !== undefined) {
    // Each definition after the first keeps its `,\ ` separator, dropped where a line starts.
    const packed = pack(splitTopLevel(where, [',\\ ']), width - 8).map((l) => l.replace(/^,\\ /, ''));
    lines.push(...packed.map((l, i) => (i === 0 ? `\\text{where } ${l}` : l)));
  }
  return lines;
}

/** MathML markup (a `<span class="katex"><math>…</math></span>`) of a LaTeX formula. */
export function texToMathml(tex: string): string {
  return katex.renderToString(`\\displaystyle ${tex}`, {
    output: 'mathml',
    displayMode: false,
    throwOnError: false,
    strict: 'ignore',
  });
}
