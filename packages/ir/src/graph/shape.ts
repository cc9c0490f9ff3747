import type { Shape } from './types.js';

export function shapeToString(s: Shape): string {
  return `[${s.map((d) => d.toString()).join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d.equals(b[i]));
}
