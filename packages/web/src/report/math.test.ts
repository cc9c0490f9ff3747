/** Formulas as MathML: long sums broken into lines that each parse, nothing lost. */
import { describe, expect, it } from 'vitest';
import katex from 'katex';
import { Dim, buildBackbone } from '@coordattn/ir';
import { graphFormulas, prettyFormula } from '@coordattn/cost';
import { breakTex, splitTopLevel, texToMathml, visibleLength } from './math.js';

const hw = graphFormulas(
  buildBackbone('mobilenetv2', { attention: { kind: 'ca' }, height: Dim.sym('H'), widthPx: Dim.sym('W') }),
);
const inR = graphFormulas(
  buildBackbone('mobilenetv2', { attention: { kind: 'ca', config: { reduction: Dim.sym('r') } } }),
);

describe('splitTopLevel', () => {
  it('splits only outside braces, \\left…\\right and \\begin…\\end', () => {
    expect(
      splitTopLevel('a + \\left\\lfloor \\frac{H}{2} - \\frac{1}{2} \\right\\rfloor - b', [' + ', ' - ']),
    ).toEqual(['a', ' + \\left\\lfloor \\frac{H}{2} - \\frac{1}{2} \\right\\rfloor', ' - b']);
    expect(
      splitTopLevel('x_{a + b} + \\begin{cases} 1 + 2 & C < 8 \\\\ 3 & \\text{otherwise} \\end{cases}', [
        ' + ',
      ]),
    ).toHaveLength(2);
    expect(splitTopLevel('\\{ a + b', [' + '])).toEqual(['\\{ a', ' + b']);
  });
});

describe('breakTex', () => {
  it('short formulas are one line', () => {
    expect(breakTex('3 \\cdot C')).toEqual(['3 \\cdot C']);
  });

  for (const [name, d] of [
    ['MACs in H, W (with where)', prettyFormula(hw.macs, {}, { auto: 'if-shorter' }).latex],
    ['params in r', prettyFormula(inR.params, {}).latex],
  ] as const) {
    it(`${name}: lines of about the width, each valid LaTeX, together the formula`, () => {
      const lines = breakTex(d, 100);
      expect(lines.length).toBeGreaterThan(1);
      for (const l of lines) {
        expect(() => katex.renderToString(l, { throwOnError: true, output: 'mathml' })).not.toThrow();
        expect(visibleLength(l)).toBeLessThanOrEqual(100 + 60);
      }
      const squash = (s: string): string => s.replace(/\s+/g, '');
      const where = d.indexOf(',\\quad\\text{where } ');
      const body = where < 0 ? d : d.slice(0, where);
      const n = lines.findIndex((l) => l.startsWith('\\text{where }'));
      const bodyLines = n < 0 ? lines : lines.slice(0, n);
      expect(squash(bodyLines.join(''))).toBe(squash(body));
      if (where >= 0) {
        const defs = lines.slice(n).join(',\\ ').replace('\\text{where } ', '');
        expect(squash(defs)).toBe(squash(d.slice(where + ',\\quad\\text{where } '.length)));
      }
    });
  }

  it('texToMathml gives MathML without KaTeX’s HTML (no CSS or fonts needed)', () => {
    const m = texToMathml(
      '2 \\cdot C \\cdot \\max\\left(\\left\\lfloor \\frac{C}{r} \\right\\rfloor, 8\\right)',
    );
    expect(m).toMatch(/^<span class="katex"><math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML"/);
    expect(m).not.toContain('katex-html');
    expect(m).not.toContain('katex-error');
  });
});
