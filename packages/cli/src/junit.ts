/**
 * `coordattn verify --format junit`: JUnit XML for CI test reporters (GitHub Actions reporters,
 * GitLab, Jenkins). One `<testsuite>` per mode (and run), one `<testcase>` per kernel and per
 * end-to-end output, classname `<model>.<mode>` (a file model by its base name); a kernel outside its tolerance is a
 * `<failure message="max error X > tolerance …">` whose text gives the details.
 *
 * Shape (the common subset of the JUnit dialects, as Surefire and pytest write it):
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <testsuites name="coordattn verify" tests=".." failures=".." errors="0" time="..">
 *     <testsuite name="mbv2 on cpu" tests=".." failures=".." errors="0" skipped="0" time="..">
 *       <properties><property name="mode" value="cpu"/>…</properties>
 *       <testcase classname="mbv2.cpu" name="conv2d_features_0_0" time="0.004"/>
 *       <testcase …><failure message="…" type="tolerance">…</failure></testcase>
 *     </testsuite>
 *   </testsuites>
 */
import type { KernelVerdict, OutputVerdict, VerifyResult } from '@coordattn/codegen';
import { describeComparison, type Comparison } from '@coordattn/reference';

/** One verification (a mode, one run of random inputs) as verify ran it. */
export interface VerifyRun {
  readonly mode: string;
  /** 0-based run index (`--runs`). */
  readonly run: number;
  readonly result: VerifyResult;
  /** Wall time of the whole verification, seconds. */
  readonly seconds: number;
  /** Seconds per kernel check, in the order of result.kernels (missing: 0). */
  readonly kernelSeconds?: readonly number[];
}

export interface JunitOptions {
  /** The model as the user named it (a file's base name is the classname's first part). */
  readonly model: string;
  /** Runs per mode: with more than one, the run number is part of suite names and classnames. */
  readonly runs: number;
  /** Extra `<property>`s of every suite (seed, passes, …). */
  readonly properties?: Readonly<Record<string, string>>;
}

/**
 * Text for XML character data and attribute values: `& < > " '` as entities, tab, newline and
 * carriage return as character references (an attribute value keeps them that way), and every
 * character XML 1.0 cannot carry (other C0 controls, lone surrogates, U+FFFE/U+FFFF) as U+FFFD.
 */
export function xmlEscape(s: string): string {
  return s.replace(
    /[&<>"'\t\n\r]|[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu,
    (c) => XML_ENTITIES[c] ?? '\uFFFD',
  );
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Character data: like xmlEscape, but newlines and tabs stay readable. */
function xmlText(s: string): string {
  return xmlEscape(s).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

function attrs(a: Readonly<Record<string, string | number>>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

const seconds = (s: number): string => (Number.isFinite(s) && s > 0 ? s.toFixed(3) : '0.000');
const num = (x: number): string => (Number.isNaN(x) ? 'NaN' : x.toExponential(3));

/** `max error X > tolerance atol + rtol·|ref|`, with how many elements are outside it. */
export function failureMessage(c: Comparison): string {
  return (
    `max error ${num(c.maxAbsError)} > tolerance ${num(c.atol)} + ${num(c.tolerance.rtol)}·|ref| ` +
    `(${c.failures}/${c.count} elements outside)`
  );
}

function testcase(
  classname: string,
  name: string,
  time: number,
  c: Comparison,
  details: readonly string[],
): string {
  const open = `    <testcase${attrs({ classname, name, time: seconds(time) })}`;
  if (c.pass) return `${open}/>`;
  return [
    `${open}>`,
    `      <failure${attrs({ message: failureMessage(c), type: 'tolerance' })}>${xmlText(
      [describeComparison(c, name), ...details].join('\n'),
    )}</failure>`,
    `    </testcase>`,
  ].join('\n');
}

function kernelCase(classname: string, k: KernelVerdict, time: number): string {
  return testcase(classname, k.kernel, time, k.comparison, [
    `template: ${k.template}`,
    `IR nodes: ${k.nodes.join(', ')}`,
    `backend: ${k.backend}`,
    `reduction length: ${k.reduction}`,
    `max relative error: ${num(k.maxRelError)}`,
  ]);
}

function outputCase(classname: string, o: OutputVerdict, time: number): string {
  return testcase(classname, `output ${o.ref} (end to end)`, time, o.comparison, [
    'the whole plan run from the graph inputs',
    `max relative error: ${num(o.maxRelError)}`,
  ]);
}

/** The JUnit XML document of `runs`. */
export function junitXml(runs: readonly VerifyRun[], opts: JunitOptions): string {
  // A file's name without folder and extension (`models/mbv2.onnx` → `mbv2`): classnames stay short.
  const model = opts.model.replace(/^.*[/\\]/, '').replace(/\.(onnx|json)$/i, '') || opts.model;
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let time = 0;
  for (const r of runs) {
    const tag = opts.runs > 1 ? ` run ${r.run + 1}/${opts.runs}` : '';
    const classname = `${model}.${r.mode}${opts.runs > 1 ? `.run${r.run + 1}` : ''}`;
    const kernelTime = r.kernelSeconds ?? [];
    // The end-to-end run (and the reference it is compared with): what the kernel checks leave.
    const rest = Math.max(0, r.seconds - kernelTime.reduce((a, b) => a + b, 0));
    const cases = [
      ...r.result.kernels.map((k, i) => kernelCase(classname, k, kernelTime[i] ?? 0)),
      ...r.result.outputs.map((o) => outputCase(classname, o, rest / r.result.outputs.length)),
    ];
    const failed =
      r.result.kernels.filter((k) => !k.comparison.pass).length +
      r.result.outputs.filter((o) => !o.comparison.pass).length;
    tests += cases.length;
    failures += failed;
    time += r.seconds;
    const props = { model: opts.model, mode: r.mode, run: String(r.run + 1), ...opts.properties };
    suites.push(
      [
        `  <testsuite${attrs({
          name: `${model} on ${r.mode}${tag}`,
          tests: cases.length,
          failures: failed,
          errors: 0,
          skipped: 0,
          time: seconds(r.seconds),
        })}>`,
        '    <properties>',
        ...Object.entries(props).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
        '    </properties>',
        ...cases,
        '  </testsuite>',
      ].join('\n'),
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'coordattn verify', tests, failures, errors: 0, time: seconds(time) })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
