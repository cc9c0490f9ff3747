/**
 * Spec text is data. Before JSON.parse sees it, a linear, non-recursive scanner checks its size,
 * its syntax and its nesting depth, so that malformed text gets an E_JSON error with a line, a
 * column and a reason that do not depend on the JavaScript engine's wording. After parsing (or for
 * a value handed to parseSpec directly), `checkJsonValue` walks it iteratively: plain JSON data
 * only, bounded depth and size, no `__proto__` keys.
 */
import { CoordattnError } from '../errors.js';
import { SPEC_LIMITS } from './schema.js';
import { formatPath, type PathSegment } from './paths.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

interface ScanError {
  readonly pos: number;
  readonly reason: string;
  readonly expected?: string;
}

/** Line and column (1-based, UTF-16 units) of a position in text. */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: pos - start + 1 };
}

function showChar(text: string, pos: number): string {
  if (pos >= text.length) return 'end of input';
  const cp = text.codePointAt(pos)!;
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && !/\p{L}|\p{N}|\p{P}|\p{S}/u.test(ch))) {
    return `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${ch}'`;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Returns undefined when `text` is one valid JSON value nested at most `maxDepth` deep. */
export function scanJson(text: string, maxDepth: number = SPEC_LIMITS.maxDepth): ScanError | undefined {
  const n = text.length;
  const stack: number[] = []; // 123 '{' or 91 '['
  let i = 0;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const unexpected = (expected: string): ScanError => ({
    pos: i,
    reason: `unexpected ${showChar(text, i)}`,
    expected,
  });
  const str = (): ScanError | undefined => {
    i++; // opening quote
    for (;;) {
      if (i >= n) return { pos: i, reason: 'unterminated string', expected: 'a closing "' };
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 0x20) {
        return { pos: i, reason: `${showChar(text, i)} inside a string`, expected: 'an escape such as \\n' };
      }
      if (c === 92) {
        const e = text.charCodeAt(i + 1);
        if (e === 117) {
          for (let k = 2; k < 6; k++) {
            if (!isHex(text.charCodeAt(i + k))) {
              return { pos: i, reason: 'bad \\u escape in a string', expected: 'four hex digits after \\u' };
            }
          }
          i += 6;
        } else if ([34, 92, 47, 98, 102, 110, 114, 116].includes(e)) {
          i += 2;
        } else {
          return {
            pos: i,
            reason: 'bad escape in a string',
            expected: 'one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX',
          };
        }
      } else i++;
    }
  };
  const num = (): ScanError | undefined => {
    const start = i;
    if (text.charCodeAt(i) === 45) i++;
    if (text.charCodeAt(i) === 48) i++;
    else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
    else return { pos: i, reason: `bad number '${text.slice(start, i + 1)}'`, expected: 'a digit after -' };
    if (text.charCodeAt(i) === 46) {
      i++;
      if (!isDigit(text.charCodeAt(i))) {
        return { pos: i, reason: 'bad number', expected: 'a digit after the decimal point' };
      }
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 43 || s === 45) i++;
      if (!isDigit(text.charCodeAt(i)))
        return { pos: i, reason: 'bad number', expected: 'a digit in the exponent' };
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return undefined;
  };
  const word = (w: string): ScanError | undefined => {
    if (text.startsWith(w, i)) {
      i += w.length;
      return undefined;
    }
    return unexpected('a value (object, array, string, number, true, false or null)');
  };

  // 'value': a value is expected next; 'after': a value just ended.
  let mode: 'value' | 'after' = 'value';
  for (;;) {
    ws();
    if (mode === 'value') {
      if (i >= n) return { pos: i, reason: 'unexpected end of input', expected: 'a value' };
      const c = text.charCodeAt(i);
      let err: ScanError | undefined;
      if (c === 123 || c === 91) {
        if (stack.length >= maxDepth) {
          return {
            pos: i,
            reason: `arrays and objects nested deeper than ${maxDepth} levels`,
            expected: `at most ${maxDepth} levels`,
          };
        }
        stack.push(c);
        i++;
        ws();
        if (text.charCodeAt(i) === (c === 123 ? 125 : 93)) {
          stack.pop();
          i++;
          mode = 'after';
          continue;
        }
        if (c === 123) {
          if (text.charCodeAt(i) !== 34) {
            return i >= n
              ? { pos: i, reason: 'unexpected end of input', expected: "a property name or '}'" }
              : unexpected("a double-quoted property name or '}'");
          }
          err = str() ?? colon();
          if (err) return err;
        }
        continue; // a value follows
      }
      if (c === 34) err = str();
      else if (c === 45 || isDigit(c)) err = num();
      else if (c === 116) err = word('true');
      else if (c === 102) err = word('false');
      else if (c === 110) err = word('null');
      else return unexpected('a value (object, array, string, number, true, false or null)');
      if (err) return err;
      mode = 'after';
      continue;
    }
    // after a value
    if (stack.length === 0) {
      return i >= n ? undefined : unexpected('end of input after the JSON value');
    }
    const top = stack[stack.length - 1];
    const close = top === 123 ? 125 : 93;
    const c = text.charCodeAt(i);
    if (i >= n) {
      return {
        pos: i,
        reason: 'unexpected end of input',
        expected: top === 123 ? "',' or '}'" : "',' or ']'",
      };
    }
    if (c === close) {
      stack.pop();
      i++;
      continue;
    }
    if (c !== 44)
      return unexpected(
        top === 123 ? "',' or '}' after a property value" : "',' or ']' after an array element",
      );
    i++;
    if (top === 123) {
      ws();
      if (text.charCodeAt(i) !== 34) {
        return i >= n
          ? { pos: i, reason: 'unexpected end of input', expected: 'a property name' }
          : unexpected('a double-quoted property name (no trailing commas)');
      }
      const err = str() ?? colon();
      if (err) return err;
    }
    mode = 'value';
  }

  function colon(): ScanError | undefined {
    ws();
    if (text.charCodeAt(i) !== 58) return unexpected("':' after a property name");
    i++;
    return undefined;
  }
}

/** Parses spec text: E_JSON (file:line:column, reason, expected) when it is not acceptable JSON. */
export function parseJsonText(text: string, source?: string): JsonValue {
  const where = (pos: number): string => {
    const { line, column } = lineColumn(text, pos);
    return source ? `${source}:${line}:${column}` : `line ${line}, column ${column}`;
  };
  if (typeof text !== 'string') {
    throw new CoordattnError('E_JSON', `spec text must be a string, got ${typeof text}`, { path: source });
  }
  if (text.length > SPEC_LIMITS.maxTextLength) {
    throw new CoordattnError('E_JSON', `spec text is ${text.length} characters long`, {
      path: source,
      expected: `at most ${SPEC_LIMITS.maxTextLength} characters`,
    });
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const err = scanJson(body);
  if (err) {
    const near = body.slice(Math.max(0, err.pos - 20), err.pos + 20).replace(/\s+/g, ' ');
    throw new CoordattnError('E_JSON', `${err.reason} near '${near}'`, {
      path: where(err.pos + (body === text ? 0 : 1)),
      expected: err.expected,
    });
  }
  try {
    return JSON.parse(body) as JsonValue;
  } catch (e) {
    // The scanner accepts exactly JSON; this is a safety net with the engine's own reason.
    const reason = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(reason);
    throw new CoordattnError('E_JSON', reason.slice(0, 200), { path: where(m ? Number(m[1]) : 0) });
  }
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return `the number ${String(v)}`;
  if (typeof v === 'object') return v === null ? 'null' : `an object of class ${v.constructor?.name ?? '?'}`;
  return `a ${typeof v}`;
}

/**
 * Checks that `value` is plain JSON data (what JSON.parse can return) within the spec limits:
 * finite numbers, plain objects and arrays, depth <= maxDepth (this also stops cycles), at most
 * maxValues values, and no `__proto__` key. Iterative: no recursion on hostile depth.
 */
export function checkJsonValue(value: unknown): asserts value is JsonValue {
  interface Item {
    readonly v: unknown;
    readonly parent?: Item;
    readonly seg?: PathSegment;
    readonly depth: number;
  }
  const pathOf = (it: Item): string => {
    const segs: PathSegment[] = [];
    for (let p: Item | undefined = it; p && p.seg !== undefined; p = p.parent) segs.push(p.seg);
    return formatPath(segs.reverse());
  };
  const at = (it: Item): string | undefined => pathOf(it) || undefined;
  const stack: Item[] = [{ v: value, depth: 0 }];
  let count = 0;
  while (stack.length > 0) {
    const it = stack.pop()!;
    const v = it.v;
    if (++count > SPEC_LIMITS.maxValues) {
      throw new CoordattnError('E_SPEC', `the spec has more than ${SPEC_LIMITS.maxValues} JSON values`, {
        path: at(it),
      });
    }
    if (v === null || typeof v === 'boolean' || typeof v === 'string') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        throw new CoordattnError('E_SPEC', `${kindOf(v)} is not a JSON number`, {
          path: at(it),
          expected: 'a finite number',
        });
      }
      continue;
    }
    const isArray = Array.isArray(v);
    const proto = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
    if (!isArray && !(typeof v === 'object' && (proto === Object.prototype || proto === null))) {
      throw new CoordattnError('E_SPEC', `${kindOf(v)} is not a JSON value`, {
        path: at(it),
        expected: 'null, a boolean, a number, a string, an array or a plain object',
      });
    }
    if (it.depth >= SPEC_LIMITS.maxDepth) {
      throw new CoordattnError(
        'E_SPEC',
        `arrays and objects nested deeper than ${SPEC_LIMITS.maxDepth} levels`,
        {
          path: at(it),
          expected: `at most ${SPEC_LIMITS.maxDepth} levels (and no cycles)`,
        },
      );
    }
    const depth = it.depth + 1;
    const size = isArray ? (v as unknown[]).length : Object.keys(v as object).length;
    if (count + stack.length + size > SPEC_LIMITS.maxValues) {
      throw new CoordattnError('E_SPEC', `the spec has more than ${SPEC_LIMITS.maxValues} JSON values`, {
        path: at(it),
      });
    }
    if (isArray) {
      const a = v as unknown[];
      for (let k = a.length - 1; k >= 0; k--) stack.push({ v: a[k], parent: it, seg: k, depth });
      continue;
    }
    const keys = Object.keys(v as object);
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k];
      if (key === '__proto__') {
        throw new CoordattnError('E_SPEC', `forbidden field '__proto__'`, {
          path: pathOf({ v: undefined, parent: it, seg: key, depth }),
          expected: 'ordinary field names',
        });
      }
      stack.push({ v: (v as Record<string, unknown>)[key], parent: it, seg: key, depth });
    }
  }
}
