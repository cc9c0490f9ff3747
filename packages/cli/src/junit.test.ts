/**
 * `coordattn verify --format junit`: the XML parses (with Python's expat-based xml.etree, a real
 * parser: python3 is installed by .ci/run), has the JUnit shape (suite counts equal the testcases
 * and <failure>s they hold, the root's counts their sums), escapes names, and a kernel with an
 * injected fault is a <failure> with its max error and tolerance, with exit code 1.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { attention, GraphBuilder, type Graph } from '@coordattn/ir';
import {
  compile,
  TEMPLATES,
  verifyCompiledAsync,
  type KernelTemplate,
  type TemplateOverrides,
  type VerifyResult,
} from '@coordattn/codegen';
import { initWeights, uniformTensor } from '@coordattn/reference';
import type { Io } from './io.js';
import { failureMessage, junitXml, xmlEscape } from './junit.js';
import { reportVerification } from './kernels.js';
import { run } from './test-io.js';

interface ParsedCase {
  classname: string;
  name: string;
  time: string;
  failures: { message: string; type: string; text: string }[];
}
interface ParsedSuite {
  attrs: Record<string, string>;
  properties: Record<string, string>;
  cases: ParsedCase[];
}
interface Parsed {
  tag: string;
  attrs: Record<string, string>;
  suites: ParsedSuite[];
}

/** Parses JUnit XML with Python's xml.etree (expat): a malformed document fails the test. */
function parseXml(xml: string): Parsed {
  const script = `
import json, sys
import xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
def suite(s):
    return {
        "attrs": dict(s.attrib),
        "properties": {p.get("name"): p.get("value") for p in s.iter("property")},
        "cases": [
            {
                "classname": c.get("classname"), "name": c.get("name"), "time": c.get("time"),
                "failures": [
                    {"message": f.get("message"), "type": f.get("type"), "text": f.text or ""}
                    for f in c.findall("failure")
                ],
            }
            for c in s.findall("testcase")
        ],
    }
json.dump({"tag": root.tag, "attrs": dict(root.attrib), "suites": [suite(s) for s in root.findall("testsuite")]}, sys.stdout)
`;
  const r = spawnSync('python3', ['-c', script], { input: xml, encoding: 'utf8' });
  if (r.error) throw new Error(`python3 (the XML parser of this test) did not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`not well-formed XML: ${r.stderr}\n${xml}`);
  return JSON.parse(r.stdout) as Parsed;
}

/** The JUnit shape: every count attribute equals what the document holds. */
function expectJunitShape(p: Parsed): void {
  expect(p.tag).toBe('testsuites');
  let tests = 0;
  let failures = 0;
  for (const s of p.suites) {
    const f = s.cases.filter((c) => c.failures.length > 0).length;
    expect(Number(s.attrs.tests), s.attrs.name).toBe(s.cases.length);
    expect(Number(s.attrs.failures), s.attrs.name).toBe(f);
    expect(s.attrs.errors).toBe('0');
    expect(Number(s.attrs.time)).toBeGreaterThanOrEqual(0);
    for (const c of s.cases) {
      expect(c.classname).toBeTruthy();
      expect(c.name).toBeTruthy();
      expect(Number(c.time)).toBeGreaterThanOrEqual(0);
    }
    tests += s.cases.length;
    failures += f;
  }
  expect(Number(p.attrs.tests)).toBe(tests);
  expect(Number(p.attrs.failures)).toBe(failures);
}

function captureIo(): Io & { text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  return {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    cwd: process.cwd(),
    text: () => ({ out, err }),
  };
}

describe('xmlEscape', () => {
  it('escapes markup, keeps whitespace as references and replaces what XML 1.0 cannot carry', () => {
    expect(xmlEscape(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(xmlEscape('x\ty\nz\r')).toBe('x&#9;y&#10;z&#13;');
    expect(xmlEscape('nul\u0000 bell\u0007 esc\u001b')).toBe('nul\uFFFD bell\uFFFD esc\uFFFD');
    expect(xmlEscape('lone \uD800 and \uFFFE')).toBe('lone \uFFFD and \uFFFD');
    expect(xmlEscape('ok: é ∑ 😀')).toBe('ok: é ∑ 😀');
  });

  it('round-trips through a real parser in names and attribute values', () => {
    const name = 'm<1>&"2"\'3\'\ttab\nline\u0001';
    const p = parseXml(`<r a="${xmlEscape(name)}">${xmlEscape(name)}</r>`);
    expect(p.tag).toBe('r');
    expect(p.attrs.a).toBe(name.replace('\u0001', '\uFFFD'));
    // The parser is strict: unescaped markup in an attribute is rejected.
    expect(() => parseXml(`<r a="${name}"/>`)).toThrow(/not well-formed XML/);
  });
});

/** A CA block followed by a conv: every conv has a bias, so dropping biases must fail. */
function blockGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 16, 6, 5]);
  let y = attention(b, x, { kind: 'ca', config: { reduction: 4 } }, 'attention');
  y = b.op('conv2d', y, { outChannels: 8, kernel: 1, bias: true } as never, { name: 'head' });
  b.output(y);
  return b.build();
}

/** conv2d kernels built without their bias: a fault injected through compile's `templates`. */
const dropConvBias: TemplateOverrides = {
  conv2d: ((ctx) =>
    (TEMPLATES.conv2d as KernelTemplate<'conv2d'>)({
      ...ctx,
      node: { ...ctx.node, attrs: { ...ctx.node.attrs, bias: false } },
    })) as KernelTemplate<'conv2d'>,
};

async function verifyBlock(faulty: boolean): Promise<VerifyResult> {
  const g = blockGraph();
  const w = initWeights(g, 5, { randomBias: true, randomBnStats: true });
  const compiled = compile(g, w, faulty ? { templates: dropConvBias } : {});
  return verifyCompiledAsync(g, compiled, w, { x: uniformTensor([1, 16, 6, 5], 11) }, 'cpu');
}

describe('junit XML of verify results', () => {
  it('a faulty kernel is a <failure> with max error and tolerance; exit code 1', async () => {
    const bad = await verifyBlock(true);
    const good = await verifyBlock(false);
    expect(bad.pass).toBe(false);
    expect(good.pass).toBe(true);
    const io = captureIo();
    reportVerification(
      [
        { mode: 'cpu', run: 0, result: good, seconds: 0.5, kernelSeconds: good.kernels.map(() => 0.01) },
        { mode: 'webasm', run: 0, result: bad, seconds: 0.25 },
      ],
      { model: 'dir/ca<&>"block".onnx', modes: ['cpu', 'webasm'], runs: 1, format: 'junit', seed: 3 },
      io,
    );
    expect(io.exitCode).toBe(1);
    const { out, err } = io.text();
    expect(err).toMatch(/^FAIL: 2 verification\(s\) on cpu, webasm\n$/);
    const p = parseXml(out);
    expectJunitShape(p);
    expect(p.suites.map((s) => s.attrs.name)).toEqual(['ca<&>"block" on cpu', 'ca<&>"block" on webasm']);
    const [ok, failed] = p.suites;
    expect(ok.properties).toEqual({ model: 'dir/ca<&>"block".onnx', mode: 'cpu', run: '1', seed: '3' });
    expect(ok.cases).toHaveLength(good.kernels.length + good.outputs.length);
    expect(ok.cases.every((c) => c.failures.length === 0 && c.classname === 'ca<&>"block".cpu')).toBe(true);
    expect(ok.cases.at(-1)?.name).toMatch(/^output .* \(end to end\)$/);
    // Every failing kernel and output, and only those, has a <failure> naming its errors.
    const failing = [
      ...bad.kernels.filter((k) => !k.comparison.pass).map((k) => [k.kernel, k.comparison] as const),
      ...bad.outputs
        .filter((o) => !o.comparison.pass)
        .map((o) => [`output ${o.ref} (end to end)`, o.comparison] as const),
    ];
    expect(failing.length).toBeGreaterThan(1);
    expect(Number(failed.attrs.failures)).toBe(failing.length);
    for (const [name, c] of failing) {
      const tc = failed.cases.find((t) => t.name === name)!;
      expect(tc.failures).toHaveLength(1);
      expect(tc.failures[0].type).toBe('tolerance');
      expect(tc.failures[0].message).toBe(failureMessage(c));
      expect(tc.failures[0].message).toMatch(
        new RegExp(
          `^max error ${c.maxAbsError.toExponential(3).replace('+', '\\+')} > tolerance ${c.atol
            .toExponential(3)
            .replace('+', '\\+')} \\+ 1\\.000e-4·\\|ref\\| \\(${c.failures}/${c.count} elements outside\\)$`,
        ),
      );
      expect(c.maxAbsError).toBeGreaterThan(c.atol);
      expect(tc.failures[0].text).toMatch(/OUTSIDE tolerance/);
    }
    expect(
      failed.cases.filter((t) => t.name.startsWith('conv2d_')).every((t) => t.failures.length === 1),
    ).toBe(true);
  });

  it('with several runs, suites and classnames carry the run number', async () => {
    const good = await verifyBlock(false);
    const xml = junitXml(
      [
        { mode: 'cpu', run: 0, result: good, seconds: 0.1 },
        { mode: 'cpu', run: 1, result: good, seconds: 0.1 },
      ],
      { model: 'mobilenetv2', runs: 2 },
    );
    const p = parseXml(xml);
    expectJunitShape(p);
    expect(p.suites.map((s) => s.attrs.name)).toEqual([
      'mobilenetv2 on cpu run 1/2',
      'mobilenetv2 on cpu run 2/2',
    ]);
    expect(p.suites[1].cases[0].classname).toBe('mobilenetv2.cpu.run2');
    expect(p.attrs.failures).toBe('0');
  });
});

describe('coordattn verify --format junit', () => {
  it('writes JUnit XML on stdout, the verdict on stderr, exit 0 when it passes', async () => {
    const model = new URL('../../onnx/test-data/ca_c32_h14_w12.onnx', import.meta.url).pathname;
    const r = await run(['verify', model, '--modes', 'cpu', '--format', 'junit']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/PASS: 1 verification\(s\) on cpu/);
    const p = parseXml(r.out);
    expectJunitShape(p);
    expect(p.attrs.failures).toBe('0');
    expect(p.suites).toHaveLength(1);
    expect(p.suites[0].cases.map((c) => c.classname)).toContain('ca_c32_h14_w12.cpu');
    expect(p.suites[0].cases.some((c) => c.name.startsWith('conv2d_'))).toBe(true);
  });

  it('documents the exit codes in --help', async () => {
    const r = await run(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--format <fmt>.*junit/s);
    expect(r.out).toMatch(/0 {2}every kernel and every output within tolerance/);
    expect(r.out).toMatch(/1 {2}a kernel or an output outside its tolerance/);
    expect(r.out).toMatch(/2 {2}a user error/);
    expect(r.out).toMatch(/internal error/);
  });

  it('an internal error (a bug) exits 1 and says it is one, with the stack', async () => {
    let err = '';
    const { main } = await import('./main.js');
    const code = await main(['list', 'backbones'], {
      out: () => {
        throw new TypeError('stdout went away');
      },
      err: (s) => void (err += s),
      cwd: process.cwd(),
    });
    expect(code).toBe(1);
    expect(err).toMatch(/^coordattn: internal error \(a bug in coordattn/);
    expect(err).toMatch(/TypeError: stdout went away\n\s+at /);
  });
});
