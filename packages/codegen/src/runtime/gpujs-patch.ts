/**
 * A run-time patch of gpu.js 2.24.1's WebAssembly code generator (`WebAssemblyFunctionNode` in
 * `src/backend/web-assembly/function-node.js`). Self-contained like runtime.ts (it imports only
 * gpu.js, and no Node built-in: it runs in Node and in browser bundles alike): the compiler copies it
 * beside every emitted model module, and the runtime applies it when it loads gpu.js. See
 * docs/gpujs-patch.md for the write-up.
 *
 * 1. Integer locals. gpu.js declares every local whose initialiser is Integer-typed as f32 ("int-typed
 *    initializers decay to float declarations"), and loop counters decay too (the analysis pass
 *    records the literal `0` as Integer, so the emit pass sees an Integer initialiser). Every array
 *    index then goes through float math and `i32.trunc_sat_f32_s`. The patch keeps a local i32 when
 *    a check over the function's AST proves that it only ever holds integers: its initialiser and
 *    every assignment to it (`=`, `+=`, `-=`, `*=`, `++`, `--`) are integer expressions (integer
 *    literals, thread ids, output sizes, integer-valued constants, integer locals and Integer kernel
 *    arguments combined with `+ - *` and unary `-`, and `Math.floor(A / B)` where an interval
 *    analysis proves A ≥ 0 and B one integer k ≥ 1: i32.div_s). A local that ever receives anything
 *    else stays f32. Index expressions and comparisons whose operands are all integer expressions
 *    are emitted in i32 (i32x4 in the SIMD function) instead of f32 math.
 * 2. Vector loads. In the SIMD function (4 neighbouring thread.x lanes) a read of an array argument
 *    or constant array whose flat index is `u + this.thread.x` (u the same integer in every lane,
 *    also through `const` locals such as `const ix = x - 1 + q`) is one `v128.load` instead of 4
 *    scalar loads and lane inserts, when the 4 elements lie inside the array; otherwise the read
 *    takes gpu.js's own clamped gather, so out-of-range reads behave exactly as before.
 * 3. Tight addressing. A read's flat index is split into `rest + c` (c its literal part): the
 *    vector load's address is lane 0's `rest << 2` computed as a scalar, and c goes into the load's
 *    offset immediate (`v128.load offset=base+4c`); uniform scalar reads likewise (`f32.load
 *    offset=base+4c`) where that is provably the same address. Lane-invariant integer
 *    sub-expressions (`this.thread.z * 24`, byte addresses) are computed once per invocation into
 *    a local at function level and read back by later uses.
 *
 * Guards: gpu.js must be exactly 2.24.1 (read from its package.json where Node can read it) and the
 * replaced (and relied-on) methods must have the source fingerprint of 2.24.1's `src/` (what Node
 * loads) or of its `dist/gpu-browser.js` (what browser bundles load: the same code, reformatted by
 * gpu.js's build); otherwise nothing is patched and `gpujsPatchStatus()` says why. After
 * patching, a self-test compiles a small kernel, checks its wasm (i32 locals, a v128.load) and its
 * numbers; on failure the patch is removed again. `COORDATTN_GPUJS_PATCH=0` disables the patch.
 */
import * as gpujs from 'gpu.js';

/** The gpu.js version the patch was written against. */
export const GPUJS_PATCH_VERSION = '2.24.1';
/**
 * sha256 of the sources of the methods the patch replaces or relies on (see FINGERPRINTED), in
 * gpu.js 2.24.1's `src/` (what Node loads).
 */
export const GPUJS_PATCH_FINGERPRINT = 'aac6acc27ec2c6b832132027b570affffef8f2ab898f6bdf93bbb39d95164bd3';
/**
 * The same methods in gpu.js 2.24.1's `dist/gpu-browser.js` (the package's `browser` entry, what a
 * browser bundle loads): the same code as `src/`, reformatted by gpu.js's build.
 */
export const GPUJS_PATCH_FINGERPRINT_BROWSER =
  '6d3f997bdfb02d12d595e44bf972eb9e827a4e38042e795e024c689ab9567595';

export interface GpujsPatchStatus {
  /** Whether the patched code generator is in place (and its self-test passed, once it ran). */
  readonly applied: boolean;
  /** Why the patch is not applied (version, fingerprint, env var, self-test failure). */
  readonly reason?: string;
  /**
   * The gpu.js version found: read from its package.json in Node; where that cannot be read (a
   * browser), the version whose code the fingerprint matched.
   */
  readonly gpujsVersion?: string;
  /** The self-test's findings (after it ran). */
  readonly selfTest?: {
    readonly passed: boolean;
    /** The test kernel's scalar function has only i32 locals. */
    readonly intLocals: boolean;
    /** The test kernel's SIMD function contains a v128.load (false where wasm SIMD is unsupported). */
    readonly vectorLoads: boolean;
    /** The test kernel computed the expected numbers. */
    readonly numbersMatch: boolean;
    readonly simdSupported: boolean;
  };
}

// ------------------------------------------------------------------ gpu.js internals, narrowly typed

interface AstNode {
  readonly type: string;
}
interface LiteralNode extends AstNode {
  readonly value: unknown;
}
interface IdentifierNode extends AstNode {
  readonly name: string;
}
interface MemberNode extends AstNode {
  readonly object: AstNode;
  readonly property: AstNode;
  readonly computed: boolean;
}
interface BinaryNode extends AstNode {
  readonly operator: string;
  readonly left: AstNode;
  readonly right: AstNode;
}
interface UnaryNode extends AstNode {
  readonly operator: string;
  readonly argument: AstNode;
}
interface DeclaratorNode extends AstNode {
  readonly id: AstNode;
  readonly init: AstNode | null;
}
interface DeclarationNode extends AstNode {
  readonly kind: string;
  readonly declarations: readonly DeclaratorNode[];
}
interface CallNode extends AstNode {
  readonly callee: AstNode;
  readonly arguments: readonly AstNode[];
}
interface FunctionAst extends AstNode {
  readonly body: AstNode;
}

type WasmType = 'i32' | 'f32' | 'v128';
type I32Compare = 'i32Eq' | 'i32Ne' | 'i32LtS' | 'i32GtS' | 'i32LeS' | 'i32GeS';
type V32Compare = 'i32x4Eq' | 'i32x4Ne' | 'i32x4LtS' | 'i32x4GtS' | 'i32x4LeS' | 'i32x4GeS';

/** gpu.js's WasmFunctionEmitter: the opcode methods the patch emits. */
interface Emitter extends Record<I32Compare | V32Compare, () => Emitter> {
  addLocal(type: WasmType): number;
  localGet(index: number): Emitter;
  localSet(index: number): Emitter;
  localTee(index: number): Emitter;
  i32Const(value: number): Emitter;
  i32Add(): Emitter;
  i32Sub(): Emitter;
  i32Mul(): Emitter;
  i32DivS(): Emitter;
  i32Shl(): Emitter;
  i32LeU(): Emitter;
  f32Load(offset: number, align?: number): Emitter;
  v128Load(offset: number, align?: number): Emitter;
  v128ConstI32x4(a: number, b: number, c: number, d: number): Emitter;
  i32x4Splat(): Emitter;
  i32x4Add(): Emitter;
  i32x4Sub(): Emitter;
  i32x4Mul(): Emitter;
  i32x4MaxS(): Emitter;
  i32x4MinS(): Emitter;
  i32x4ExtractLane(lane: number): Emitter;
  i32x4ReplaceLane(lane: number): Emitter;
  f32x4Splat(): Emitter;
  f32x4ReplaceLane(lane: number): Emitter;
  else_(): Emitter;
}

interface ScalarLocal {
  readonly kind: string;
  readonly index: number;
  readonly wtype: string;
}

interface DeclarationInfo {
  valueType: string | null;
}

interface ArrayLayout {
  readonly offset: number;
  readonly dims: readonly number[];
  readonly flatLength: number;
}

interface Assembler {
  readonly layout: {
    readonly arrays: Readonly<Record<string, ArrayLayout | undefined>>;
    readonly constantArrays: Readonly<Record<string, ArrayLayout | undefined>>;
  };
}

/** The parts of a WebAssemblyFunctionNode the patched methods use. */
interface FunctionNode {
  em: Emitter;
  /** True while emitting `kernel_simd`. */
  vec: boolean;
  /** Nesting depth of wasm block/loop/if constructs (enterBlock/enterLoop/enterIf/exit). */
  depth: number;
  vMaskDepth: number;
  locals: Map<string, ScalarLocal>;
  taintedLocals: Set<string>;
  assembler: Assembler | null;
  isRootKernel: boolean;
  argumentNames: string[];
  argumentTypes: (string | null)[];
  constants: Record<string, unknown> | null;
  readsThread: boolean;
  output: readonly number[] | null;
  vInfo: { exprVarying(node: AstNode): boolean } | null;
  getJsAST(): FunctionAst;
  getDeclaration(id: AstNode): DeclarationInfo | null;
  isThreadDependent(node: AstNode): boolean;
  astErrorOutput(message: string, node: AstNode): Error;
  pushState(state: string): void;
  popState(state: string): void;
  setScalarLocal(name: string, wtype: string, gtype: string, emitInit: () => void): void;
  vSetVaryingScalar(name: string, wtype: string, gtype: string, emitInit: () => void): void;
  vSetLocal(index: number): void;
  expression(node: AstNode): string;
  vexpr(node: AstNode): string;
  emitIndex(node: AstNode): unknown;
  coerce(from: string, to: string): string;
  vCoerce(from: string, to: string): string;
  enterIf(type?: string): void;
  exit(): void;
}

type Method = (this: FunctionNode, ...args: never[]) => unknown;

/** Methods the patch replaces. */
const REPLACED = [
  'stmtVariableDeclaration',
  'vDeclareVarying',
  'emitAssignment',
  'vAssign',
  'emitIndex',
  'vEmitIndex',
  'exprBinary',
  'vexprBinary',
  'vGather',
  'emitFlatLoad',
] as const;
type Replaced = (typeof REPLACED)[number];

/** Replaced methods plus the ones whose behaviour the patched code relies on. */
const FINGERPRINTED: readonly string[] = [
  ...REPLACED,
  'vstmtVariableDeclaration',
  'setScalarLocal',
  'vSetVaryingScalar',
  'vSetLocal',
  'exprIdentifier',
  'exprMember',
  'vexprMember',
  'vexprIdentifier',
  'coerce',
  'vCoerce',
  'enterIf',
  'enterBlock',
  'enterLoop',
  'exit',
  'vUserCall',
  'vAnalyze',
  'emitVectorFunction',
  'walkFunction',
];

// ------------------------------------------------------------------ AST helpers

const SKIP_KEYS = new Set(['loc', 'start', 'end', 'range', 'parent']);

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const [key, v] of Object.entries(node as unknown as Record<string, unknown>)) {
    if (SKIP_KEYS.has(key)) continue;
    if (Array.isArray(v)) for (const e of v as unknown[]) if (isNode(e)) out.push(e);
    if (isNode(v)) out.push(v);
  }
  return out;
}

function isFunction(node: AstNode): boolean {
  return (
    node.type === 'FunctionDeclaration' ||
    node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression'
  );
}

/** Visits `node` and its descendants, not entering nested functions. */
function walk(node: AstNode, visit: (n: AstNode) => void): void {
  visit(node);
  for (const c of children(node)) if (!isFunction(c)) walk(c, visit);
}

function identifierName(node: AstNode | null | undefined): string | undefined {
  return node?.type === 'Identifier' ? (node as IdentifierNode).name : undefined;
}

/** `this.<group>.<name>` (not computed) → [group, name]. */
function thisMember(node: AstNode): [string, string] | undefined {
  if (node.type !== 'MemberExpression') return undefined;
  const m = node as MemberNode;
  if (m.computed || m.object.type !== 'MemberExpression') return undefined;
  const o = m.object as MemberNode;
  if (o.computed || o.object.type !== 'ThisExpression') return undefined;
  const group = identifierName(o.property);
  const name = identifierName(m.property);
  return group !== undefined && name !== undefined ? [group, name] : undefined;
}

function isThreadX(node: AstNode): boolean {
  const tm = thisMember(node);
  return tm !== undefined && tm[0] === 'thread' && tm[1] === 'x';
}

const I32_LIMIT = 2 ** 31 - 1;
const INT_COMPARE: Readonly<Record<string, I32Compare>> = {
  '==': 'i32Eq',
  '===': 'i32Eq',
  '!=': 'i32Ne',
  '!==': 'i32Ne',
  '<': 'i32LtS',
  '>': 'i32GtS',
  '<=': 'i32LeS',
  '>=': 'i32GeS',
};
const VINT_COMPARE: Readonly<Record<string, V32Compare>> = {
  '==': 'i32x4Eq',
  '===': 'i32x4Eq',
  '!=': 'i32x4Ne',
  '!==': 'i32x4Ne',
  '<': 'i32x4LtS',
  '>': 'i32x4GtS',
  '<=': 'i32x4LeS',
  '>=': 'i32x4GeS',
};
/** Compound assignments that keep an integer local integral (with an integer right side). */
const INT_ASSIGN_OPS = new Set(['=', '+=', '-=', '*=']);

// ------------------------------------------------------------------ integer analysis

interface Analysis {
  /** Locals proven to hold only integers: declared i32. */
  readonly ints: ReadonlySet<string>;
  readonly isInt: (node: AstNode) => boolean;
  /** Names declared once or more, each declaration let/const, never assigned after. */
  readonly singleAssignment: ReadonlySet<string>;
  /** Initialisers of every declaration by name. */
  readonly inits: ReadonlyMap<string, readonly AstNode[]>;
  /** `for (let q = init; q < bound; q++ | q += k)` counters, assigned nowhere else. */
  readonly counters: ReadonlyMap<
    string,
    { readonly init: AstNode; readonly bound: AstNode; readonly inclusive: boolean; readonly test: AstNode }
  >;
}

interface ForNode extends AstNode {
  readonly init: AstNode | null;
  readonly test: AstNode | null;
  readonly update: AstNode | null;
}

/** Per function AST: its analysis, for the output size it was made for (intervals read it). */
const analyses = new WeakMap<object, { readonly output: string; readonly analysis: Analysis }>();

function integerConstant(fn: FunctionNode, name: string): boolean {
  const v = fn.constants?.[name];
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= I32_LIMIT;
}

/**
 * The integer analysis of a function, cached by its AST and output size (a kernel with
 * dynamicOutput re-emits the same function for a new size): a greatest fixpoint over the declared
 * names (a candidate stays integer while its initialisers and assignments are integer expressions
 * given the current candidates). Sound because every value a remaining local ever receives is
 * computed with + - * from integers, or is Math.floor(A / k) with A ≥ 0 and k ≥ 1 proven by the
 * interval analysis. Names passed to user functions are left to gpu.js (their type
 * feeds the helper's argument type inference), and so are arguments and names redeclared as them.
 */
function analyse(fn: FunctionNode): Analysis {
  const ast = fn.getJsAST();
  const output = fn.output ? Array.from(fn.output).join(',') : '';
  const cached = analyses.get(ast);
  if (cached?.output === output) return cached.analysis;
  const inits = new Map<string, AstNode[]>();
  const kinds = new Map<string, Set<string>>();
  const assignments = new Map<string, { op: string; right: AstNode | null }[]>();
  const excluded = new Set<string>(fn.argumentNames);
  const fors: ForNode[] = [];
  const record = (name: string, op: string, right: AstNode | null): void => {
    const list = assignments.get(name) ?? [];
    list.push({ op, right });
    assignments.set(name, list);
  };
  walk(ast.body, (n) => {
    switch (n.type) {
      case 'ForStatement':
        fors.push(n as ForNode);
        break;
      case 'VariableDeclaration': {
        const d = n as DeclarationNode;
        for (const decl of d.declarations) {
          const name = identifierName(decl.id);
          if (name === undefined) continue;
          if (!decl.init) excluded.add(name);
          else inits.set(name, [...(inits.get(name) ?? []), decl.init]);
          kinds.set(name, (kinds.get(name) ?? new Set()).add(d.kind));
        }
        break;
      }
      case 'AssignmentExpression': {
        const a = n as BinaryNode;
        const name = identifierName(a.left);
        if (name !== undefined) record(name, a.operator, a.right);
        break;
      }
      case 'UpdateExpression': {
        const name = identifierName((n as UnaryNode).argument);
        if (name !== undefined) record(name, '++', null);
        break;
      }
      case 'CallExpression': {
        const c = n as CallNode;
        const callee = c.callee;
        const isMath =
          callee.type === 'MemberExpression' && identifierName((callee as MemberNode).object) === 'Math';
        if (!isMath) {
          for (const arg of c.arguments) {
            walk(arg, (m) => {
              const name = identifierName(m);
              if (name !== undefined) excluded.add(name);
            });
          }
        }
        break;
      }
    }
  });

  const ints = new Set<string>([...inits.keys()].filter((n) => !excluded.has(n)));
  const singleAssignment = new Set(
    [...inits.keys()].filter(
      (n) => !assignments.has(n) && !excluded.has(n) && [...(kinds.get(n) ?? [])].every((k) => k !== 'var'),
    ),
  );
  // counters of every name here; those that do not stay integer are dropped after the fixpoint
  const counters = new Map<string, { init: AstNode; bound: AstNode; inclusive: boolean; test: AstNode }>();
  for (const f of fors) {
    const decl = f.init?.type === 'VariableDeclaration' ? (f.init as DeclarationNode) : undefined;
    const name = decl?.declarations.length === 1 ? identifierName(decl.declarations[0].id) : undefined;
    const init = decl?.declarations[0]?.init;
    if (name === undefined || !init || decl?.kind === 'var') continue;
    if ((inits.get(name) ?? []).length !== 1) continue;
    const test = f.test?.type === 'BinaryExpression' ? (f.test as BinaryNode) : undefined;
    if (!test || (test.operator !== '<' && test.operator !== '<=') || identifierName(test.left) !== name)
      continue;
    const update = f.update;
    const own = assignments.get(name) ?? [];
    const increments =
      update !== null &&
      own.length === 1 &&
      ((update.type === 'UpdateExpression' &&
        (update as UnaryNode).operator === '++' &&
        identifierName((update as UnaryNode).argument) === name) ||
        (update.type === 'AssignmentExpression' &&
          (update as BinaryNode).operator === '+=' &&
          identifierName((update as BinaryNode).left) === name &&
          (update as BinaryNode).right.type === 'Literal' &&
          typeof ((update as BinaryNode).right as LiteralNode).value === 'number' &&
          (((update as BinaryNode).right as LiteralNode).value as number) > 0));
    if (increments) counters.set(name, { init, bound: test.right, inclusive: test.operator === '<=', test });
  }
  const isInt = (node: AstNode): boolean => {
    switch (node.type) {
      case 'Literal': {
        const v = (node as LiteralNode).value;
        return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= I32_LIMIT;
      }
      case 'Identifier': {
        const name = (node as IdentifierNode).name;
        if (ints.has(name)) return true;
        const i = fn.argumentNames.indexOf(name);
        return fn.isRootKernel && i !== -1 && fn.argumentTypes[i] === 'Integer' && !inits.has(name);
      }
      case 'MemberExpression': {
        const tm = thisMember(node);
        if (!tm) return false;
        const [group, name] = tm;
        if (group === 'thread' || group === 'output') return name === 'x' || name === 'y' || name === 'z';
        return group === 'constants' && integerConstant(fn, name);
      }
      case 'BinaryExpression': {
        const b = node as BinaryNode;
        return (
          (b.operator === '+' || b.operator === '-' || b.operator === '*') && isInt(b.left) && isInt(b.right)
        );
      }
      case 'UnaryExpression': {
        const u = node as UnaryNode;
        return (u.operator === '-' || u.operator === '+') && isInt(u.argument);
      }
      case 'CallExpression':
        return floorDivision(fn, result, node) !== undefined;
      default:
        return false;
    }
  };
  // isInt reads intervals (Math.floor(A / B)), which read the candidates, inits and counters
  const result: Analysis = { ints, isInt, singleAssignment, inits, counters };
  for (let changed = true; changed;) {
    changed = false;
    for (const name of [...ints]) {
      const ok =
        (inits.get(name) ?? []).every(isInt) &&
        (assignments.get(name) ?? []).every(
          (a) => a.op === '++' || (INT_ASSIGN_OPS.has(a.op) && a.right !== null && isInt(a.right)),
        );
      if (!ok) {
        ints.delete(name);
        changed = true;
      }
    }
  }
  for (const name of [...counters.keys()]) if (!ints.has(name)) counters.delete(name);
  analyses.set(ast, { output, analysis: result });
  return result;
}

// ------------------------------------------------------------------ lane-contiguous reads

/** Per SIMD walk (keyed by its emitter): names declared under a lane mask (their lanes may be stale). */
const maskedDeclarations = new WeakMap<object, Set<string>>();
/** Per analysis (function AST and output size): names whose value is `u + this.thread.x` lane-wise (u uniform, integer). */
const laneAffineNames = new WeakMap<object, ReadonlySet<string>>();

function varying(fn: FunctionNode, node: AstNode): boolean {
  return fn.vInfo ? fn.vInfo.exprVarying(node) : true;
}

function laneAffineExpr(fn: FunctionNode, a: Analysis, node: AstNode, names: ReadonlySet<string>): boolean {
  if (isThreadX(node)) return true;
  const name = identifierName(node);
  if (name !== undefined) return names.has(name);
  if (node.type !== 'BinaryExpression') return false;
  const b = node as BinaryNode;
  const uniformInt = (n: AstNode): boolean => a.isInt(n) && !varying(fn, n);
  if (b.operator === '+') {
    return (
      (laneAffineExpr(fn, a, b.left, names) && uniformInt(b.right)) ||
      (uniformInt(b.left) && laneAffineExpr(fn, a, b.right, names))
    );
  }
  if (b.operator === '*') {
    // `this.thread.x * this.constants.SW` with SW = 1
    const one = (n: AstNode): boolean => {
      const r = a.isInt(n) && !varying(fn, n) ? interval(fn, a, n) : undefined;
      return r !== undefined && r[0] === 1 && r[1] === 1;
    };
    return (
      (laneAffineExpr(fn, a, b.left, names) && one(b.right)) ||
      (one(b.left) && laneAffineExpr(fn, a, b.right, names))
    );
  }
  return b.operator === '-' && laneAffineExpr(fn, a, b.left, names) && uniformInt(b.right);
}

/** Least fixpoint: a single-assignment integer local whose every initialiser is lane-affine. */
function laneAffine(fn: FunctionNode, a: Analysis): ReadonlySet<string> {
  const cached = laneAffineNames.get(a);
  if (cached) return cached;
  const names = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const name of a.singleAssignment) {
      if (names.has(name) || !a.ints.has(name)) continue;
      if ((a.inits.get(name) ?? []).every((init) => laneAffineExpr(fn, a, init, names))) {
        names.add(name);
        changed = true;
      }
    }
  }
  laneAffineNames.set(a, names);
  return names;
}

/** `Math.floor(A / B)` → [A, B] (syntax only). */
function floorDivParts(node: AstNode): [AstNode, AstNode] | undefined {
  if (node.type !== 'CallExpression') return undefined;
  const c = node as CallNode;
  const callee = c.callee.type === 'MemberExpression' ? (c.callee as MemberNode) : undefined;
  if (
    !callee ||
    callee.computed ||
    identifierName(callee.object) !== 'Math' ||
    identifierName(callee.property) !== 'floor' ||
    c.arguments.length !== 1 ||
    c.arguments[0].type !== 'BinaryExpression'
  ) {
    return undefined;
  }
  const q = c.arguments[0] as BinaryNode;
  return q.operator === '/' ? [q.left, q.right] : undefined;
}

interface FloorDivision {
  readonly dividend: AstNode;
  readonly divisor: AstNode;
  /** The divisor's value (the same in every lane and cell), ≥ 1. */
  readonly k: number;
  /** The dividend's range, inside [0, I32_LIMIT]. */
  readonly range: [number, number];
}

/**
 * `Math.floor(A / B)` as an integer expression: A and B integer expressions with B's interval one value
 * k ≥ 1 and A's inside [0, I32_LIMIT]. Then floor(A / k) is i32.div_s (truncation = floor for A ≥ 0),
 * exactly. Root kernel only (thread-id intervals need its output). Undefined otherwise (gpu.js's f32
 * path: A may be negative, B may be 0 or vary).
 */
function floorDivision(
  fn: FunctionNode,
  a: Analysis,
  node: AstNode,
  seen: Set<string> = new Set(),
): FloorDivision | undefined {
  const parts = floorDivParts(node);
  if (!parts || !fn.isRootKernel || !fn.output) return undefined;
  // (an expression with an interval is an integer expression: no isInt here, so that every
  // recursion through a local's initialiser goes through interval's `seen`)
  const [dividend, divisor] = parts;
  const rb = interval(fn, a, divisor, seen);
  if (!rb || rb[0] !== rb[1] || rb[0] < 1) return undefined;
  const range = interval(fn, a, dividend, seen);
  if (!range || range[0] < 0) return undefined;
  return { dividend, divisor, k: rb[0], range };
}

/**
 * A key of an integer expression whose value (per lane) is the same wherever it is read in one
 * invocation: literals, thread ids, output sizes, integer constants and integer locals declared
 * once and never assigned, with + - * and unary - +. Undefined for anything else.
 */
function valueKey(fn: FunctionNode, a: Analysis, node: AstNode): string | undefined {
  switch (node.type) {
    case 'Literal': {
      const v = (node as LiteralNode).value;
      return typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;
    }
    case 'MemberExpression': {
      const tm = thisMember(node);
      if (!tm) return undefined;
      if ((tm[0] === 'thread' || tm[0] === 'output') && (tm[1] === 'x' || tm[1] === 'y' || tm[1] === 'z')) {
        return `${tm[0]}.${tm[1]}`;
      }
      return tm[0] === 'constants' && integerConstant(fn, tm[1]) ? String(fn.constants?.[tm[1]]) : undefined;
    }
    case 'Identifier': {
      const name = (node as IdentifierNode).name;
      return invariantName(fn, a, name) ? `$${name}` : undefined;
    }
    case 'BinaryExpression': {
      const b = node as BinaryNode;
      if (b.operator !== '+' && b.operator !== '-' && b.operator !== '*') return undefined;
      const l = valueKey(fn, a, b.left);
      const r = l === undefined ? undefined : valueKey(fn, a, b.right);
      return r === undefined ? undefined : `(${l}${b.operator}${r})`;
    }
    case 'UnaryExpression': {
      const u = node as UnaryNode;
      const k = u.operator === '-' || u.operator === '+' ? valueKey(fn, a, u.argument) : undefined;
      return k === undefined ? undefined : `(${u.operator}${k})`;
    }
    default:
      return undefined;
  }
}

/**
 * The range [0, k-1] of `A - q * k` (or `A - k * q`) where q is `Math.floor(A / k)` (inline, or an
 * integer local declared once, never assigned, with that initialiser) and A ≥ 0: A mod k, as in
 * `const n = Math.floor(z / OC); const c = z - n * OC;`. Both A's must be the same value (valueKey).
 */
function remainderRange(
  fn: FunctionNode,
  a: Analysis,
  node: BinaryNode,
  seen: Set<string>,
): [number, number] | undefined {
  if (node.operator !== '-' || node.right.type !== 'BinaryExpression') return undefined;
  const m = node.right as BinaryNode;
  if (m.operator !== '*') return undefined;
  const quotient = (q: AstNode): AstNode | undefined => {
    const name = identifierName(q);
    if (name === undefined) return q;
    const inits = a.inits.get(name);
    return invariantName(fn, a, name) && inits?.length === 1 ? inits[0] : undefined;
  };
  const left = valueKey(fn, a, node.left);
  if (left === undefined) return undefined;
  for (const [q, f] of [
    [m.left, m.right],
    [m.right, m.left],
  ]) {
    const init = quotient(q);
    const name = identifierName(q);
    if (init === undefined || (name !== undefined && seen.has(name))) continue;
    const d = floorDivision(fn, a, init, name === undefined ? seen : new Set(seen).add(name));
    const rf = d ? interval(fn, a, f, seen) : undefined;
    if (d && rf && rf[0] === d.k && rf[1] === d.k && valueKey(fn, a, d.dividend) === left)
      return [0, d.k - 1];
  }
  return undefined;
}

/**
 * A static range [lo, hi] of an integer expression over every lane and cell of the SIMD function,
 * or undefined. Only ranges inside i32 count (then i32 arithmetic is exact). Thread ids range over
 * the output; loop counters over their uniform bound; single-assignment locals over their inits.
 */
function interval(
  fn: FunctionNode,
  a: Analysis,
  node: AstNode,
  seen: Set<string> = new Set(),
): [number, number] | undefined {
  const ok = (lo: number, hi: number): [number, number] | undefined =>
    lo >= -I32_LIMIT - 1 && hi <= I32_LIMIT && lo <= hi ? [lo, hi] : undefined;
  switch (node.type) {
    case 'Literal': {
      const v = (node as LiteralNode).value;
      return typeof v === 'number' && Number.isInteger(v) ? ok(v, v) : undefined;
    }
    case 'MemberExpression': {
      const tm = thisMember(node);
      if (!tm) return undefined;
      const axis = { x: 0, y: 1, z: 2 }[tm[1]];
      if (tm[0] === 'thread' && axis !== undefined) return ok(0, (fn.output?.[axis] ?? 1) - 1);
      if (tm[0] === 'output' && axis !== undefined) {
        const v = fn.output?.[axis] ?? 1;
        return ok(v, v);
      }
      const v =
        tm[0] === 'constants' && integerConstant(fn, tm[1]) ? (fn.constants?.[tm[1]] as number) : undefined;
      return v === undefined ? undefined : ok(v, v);
    }
    case 'UnaryExpression': {
      const u = node as UnaryNode;
      const r = interval(fn, a, u.argument, seen);
      if (!r || (u.operator !== '-' && u.operator !== '+')) return undefined;
      return u.operator === '-' ? ok(-r[1], -r[0]) : r;
    }
    case 'BinaryExpression': {
      const b = node as BinaryNode;
      const l = interval(fn, a, b.left, seen);
      const r = interval(fn, a, b.right, seen);
      if (!l || !r) return undefined;
      if (b.operator === '+') return ok(l[0] + r[0], l[1] + r[1]);
      if (b.operator === '-') {
        const mod = remainderRange(fn, a, b, seen);
        return mod
          ? ok(Math.max(mod[0], l[0] - r[1]), Math.min(mod[1], l[1] - r[0]))
          : ok(l[0] - r[1], l[1] - r[0]);
      }
      if (b.operator !== '*') return undefined;
      const p = [l[0] * r[0], l[0] * r[1], l[1] * r[0], l[1] * r[1]];
      return ok(Math.min(...p), Math.max(...p));
    }
    case 'Identifier': {
      const name = (node as IdentifierNode).name;
      if (seen.has(name) || !a.ints.has(name)) return undefined;
      const next = new Set(seen).add(name);
      const counter = a.counters.get(name);
      if (counter) {
        if (varying(fn, counter.test)) return undefined;
        const i = interval(fn, a, counter.init, next);
        const e = interval(fn, a, counter.bound, next);
        return i && e ? ok(i[0], counter.inclusive ? e[1] : e[1] - 1) : undefined;
      }
      if (!a.singleAssignment.has(name)) return undefined;
      let lo = Infinity;
      let hi = -Infinity;
      for (const init of a.inits.get(name) ?? []) {
        const r = interval(fn, a, init, next);
        if (!r) return undefined;
        lo = Math.min(lo, r[0]);
        hi = Math.max(hi, r[1]);
      }
      return ok(lo, hi);
    }
    case 'CallExpression': {
      const d = floorDivision(fn, a, node, seen);
      return d ? ok(Math.floor(d.range[0] / d.k), Math.floor(d.range[1] / d.k)) : undefined;
    }
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------ integer emission

/**
 * Per emitted function (keyed by its emitter): lane-invariant i32 values already computed into a
 * local, by structural key (see cacheKey). An entry is recorded only where the computing code runs
 * unconditionally at function level (atTop), so every later use in the function may read it.
 */
const invariantCache = new WeakMap<object, Map<string, number>>();

/** Whether code emitted now runs once, unconditionally, in every invocation of the function. */
function atTop(fn: FunctionNode): boolean {
  return fn.depth === 0 && (!fn.vec || fn.vMaskDepth === 0);
}

/** A name that holds one value for the whole invocation: an integer local declared once, never assigned. */
function invariantName(fn: FunctionNode, a: Analysis, name: string): boolean {
  return a.ints.has(name) && a.singleAssignment.has(name) && (a.inits.get(name) ?? []).length === 1;
}

/**
 * A structural key for an integer expression whose value is the same wherever it is evaluated in
 * one invocation of the function: literals, integer constants, output sizes, thread.y/z, thread.x
 * (in the scalar function; in the SIMD function only as lane 0's value, `lane0`), and invariant
 * uniform locals, combined with + - *, unary - and Math.floor(A / B). Undefined for anything else, and for
 * expressions without a thread id or local (those are folded constants already, nearly).
 */
function cacheKey(fn: FunctionNode, a: Analysis, node: AstNode, lane0: boolean): string | undefined {
  let variable = false;
  const key = (n: AstNode): string | undefined => {
    switch (n.type) {
      case 'Literal': {
        const v = (n as LiteralNode).value;
        return typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;
      }
      case 'MemberExpression': {
        const tm = thisMember(n);
        if (!tm) return undefined;
        const [group, name] = tm;
        if (group === 'thread' && (name === 'y' || name === 'z' || (name === 'x' && (!fn.vec || lane0)))) {
          variable = true;
          return `t${name}`;
        }
        if (group === 'output' && (name === 'x' || name === 'y' || name === 'z')) {
          return `o${name}`;
        }
        return group === 'constants' && integerConstant(fn, name) ? String(fn.constants?.[name]) : undefined;
      }
      case 'Identifier': {
        const name = (n as IdentifierNode).name;
        const local = fn.locals.get(name);
        if (!local || local.kind !== 'scalar' || local.wtype !== 'i32' || !invariantName(fn, a, name)) {
          return undefined;
        }
        variable = true;
        return `$${name}`;
      }
      case 'BinaryExpression': {
        const b = n as BinaryNode;
        if (b.operator !== '+' && b.operator !== '-' && b.operator !== '*') return undefined;
        const l = key(b.left);
        const r = l === undefined ? undefined : key(b.right);
        return r === undefined ? undefined : `(${l}${b.operator}${r})`;
      }
      case 'UnaryExpression': {
        const u = n as UnaryNode;
        const k = u.operator === '-' || u.operator === '+' ? key(u.argument) : undefined;
        return k === undefined ? undefined : `(${u.operator}${k})`;
      }
      case 'CallExpression': {
        // Math.floor(A / B), emitted only where it is an integer expression (floorDivision)
        const d = floorDivParts(n);
        const l = d ? key(d[0]) : undefined;
        const r = d && l !== undefined ? key(d[1]) : undefined;
        return r === undefined ? undefined : `(${l}//${r})`;
      }
      default:
        return undefined;
    }
  };
  const k = key(node);
  return variable ? k : undefined;
}

/**
 * Emits an integer expression (isInt) as i32 on the scalar stack. With `lane0` (SIMD function
 * only), the value of lane 0 of a lane-wise expression: thread.x is the quad's base (lane 0), a
 * varying local contributes its lane 0; + - * commute with taking a lane, so this is exactly
 * lane 0 of the i32x4 vEmitInt computes. Lane-invariant compound sub-expressions are computed once
 * per invocation into a local (invariantCache) and read back at later uses.
 */
function emitInt(fn: FunctionNode, node: AstNode, lane0 = false): void {
  const em = fn.em;
  const compound =
    node.type === 'BinaryExpression' || node.type === 'UnaryExpression' || node.type === 'CallExpression';
  const key = compound ? cacheKey(fn, analyse(fn), node, lane0) : undefined;
  const cache = key === undefined ? undefined : invariantCache.get(em);
  const hit = key === undefined ? undefined : cache?.get(key);
  if (hit !== undefined) {
    em.localGet(hit);
    return;
  }
  emitIntUncached(fn, node, lane0);
  if (key !== undefined && atTop(fn)) {
    const local = em.addLocal('i32');
    em.localTee(local);
    invariantCache.set(em, (cache ?? new Map<string, number>()).set(key, local));
  }
}

function emitIntUncached(fn: FunctionNode, node: AstNode, lane0: boolean): void {
  const em = fn.em;
  switch (node.type) {
    case 'Literal':
      em.i32Const((node as LiteralNode).value as number);
      return;
    case 'BinaryExpression': {
      const b = node as BinaryNode;
      emitInt(fn, b.left, lane0);
      emitInt(fn, b.right, lane0);
      emitIntOp(em, b.operator, false);
      return;
    }
    case 'UnaryExpression': {
      const u = node as UnaryNode;
      if (u.operator === '-') em.i32Const(0);
      emitInt(fn, u.argument, lane0);
      if (u.operator === '-') em.i32Sub();
      return;
    }
    case 'CallExpression': {
      // Math.floor(A / B) with A ≥ 0 and B = k ≥ 1 proven (floorDivision): truncating division is
      // floor. Per lane, so it commutes with taking lane 0 too.
      const d = floorDivParts(node);
      if (!d) break;
      emitInt(fn, d[0], lane0);
      emitInt(fn, d[1], lane0);
      em.i32DivS();
      return;
    }
    case 'MemberExpression': {
      const tm = thisMember(node);
      if (tm && tm[0] === 'constants') {
        em.i32Const(fn.constants?.[tm[1]] as number);
        return;
      }
      break;
    }
    case 'Identifier': {
      const local = lane0 ? fn.locals.get((node as IdentifierNode).name) : undefined;
      if (local?.kind === 'vscalar') {
        // a varying integer local (vi32): its lane 0
        em.localGet(local.index).i32x4ExtractLane(0);
        return;
      }
      break;
    }
  }
  // identifiers, thread ids and output sizes: gpu.js's own emission, in an integer state (in the
  // SIMD function thread.x is the scalar global, the quad's base: lane 0)
  fn.pushState('building-integer');
  const type = fn.expression(node);
  fn.popState('building-integer');
  fn.coerce(type, 'i32');
}

/** A synthetic AST node (the patch's own emission and interval code only: never handed to gpu.js). */
function binary(operator: string, left: AstNode, right: AstNode): BinaryNode {
  return { type: 'BinaryExpression', operator, left, right };
}

function literal(value: number): LiteralNode {
  return { type: 'Literal', value };
}

/** `l op r` where either side may be absent (a literal part split off): null when both are. */
function combine(l: AstNode | null, op: '+' | '-', r: AstNode | null): AstNode | null {
  if (r === null) return l;
  if (l === null)
    return op === '+' ? r : ({ type: 'UnaryExpression', operator: '-', argument: r } as UnaryNode);
  return binary(op, l, r);
}

const SPLIT_LIMIT = 2 ** 28;

/**
 * An integer expression as `rest + c`, c the sum of the literals of its top-level + / - chain
 * (`this.thread.z * 24 + 2` → [z*24, 2]; `y*56 + x + 6272` → [y*56 + x, 6272]). rest is null when
 * the expression is all literal. In i32 (mod 2^32) arithmetic rest + c is the same value; the node
 * is returned unchanged when there is no literal to split off.
 */
function splitLiteral(node: AstNode): [AstNode | null, number] {
  const [rest, c, split] = splitLiterals(node);
  return split ? [rest, c] : [node, 0];
}

function splitLiterals(node: AstNode): [AstNode | null, number, boolean] {
  if (node.type === 'Literal') {
    const v = (node as LiteralNode).value;
    return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= SPLIT_LIMIT
      ? [null, v, true]
      : [node, 0, false];
  }
  if (node.type !== 'BinaryExpression') return [node, 0, false];
  const b = node as BinaryNode;
  if (b.operator !== '+' && b.operator !== '-') return [node, 0, false];
  const [l, cl, sl] = splitLiterals(b.left);
  const [r, cr, sr] = splitLiterals(b.right);
  const c = b.operator === '+' ? cl + cr : cl - cr;
  if ((!sl && !sr) || Math.abs(c) > SPLIT_LIMIT) return [node, 0, false];
  return [combine(l, b.operator, r), c, true];
}

/** `node * d` for a flat-index term (d a dimension product), null-preserving. */
function scaled(node: AstNode | null, d: number): AstNode | null {
  if (node === null || d === 1) return node;
  return binary('*', node, literal(d));
}

/**
 * The flat index of an `a[z][y][x]` read (x + d0·y + d0·d1·z, gpu.js's formula) of integer
 * expressions, as `rest + c` with c every literal part (each scaled by its dimension product).
 */
function splitFlatIndex(
  x: AstNode,
  y: AstNode | null | undefined,
  z: AstNode | null | undefined,
  dims: readonly number[],
): [AstNode | null, number] {
  const [xr, cx] = splitLiteral(x);
  const [yr, cy] = y ? splitLiteral(y) : [null, 0];
  const [zr, cz] = z ? splitLiteral(z) : [null, 0];
  const d0 = dims[0];
  const d01 = dims[0] * dims[1];
  const rest = combine(combine(xr, '+', scaled(yr, d0)), '+', scaled(zr, d01));
  return [rest, cx + d0 * cy + d01 * cz];
}

/**
 * Pushes the byte address `rest << 2` (0 for a null rest), computed once per invocation where it
 * is lane-invariant (invariantCache), with `lane0` as in emitInt.
 */
function emitByteAddress(fn: FunctionNode, rest: AstNode | null, lane0 = false): void {
  const em = fn.em;
  if (rest === null) {
    em.i32Const(0);
    return;
  }
  const k = cacheKey(fn, analyse(fn), rest, lane0);
  const key = k === undefined ? undefined : `<<2${k}`;
  const cache = key === undefined ? undefined : invariantCache.get(em);
  const hit = key === undefined ? undefined : cache?.get(key);
  if (hit !== undefined) {
    em.localGet(hit);
    return;
  }
  emitInt(fn, rest, lane0);
  em.i32Const(2).i32Shl();
  if (key !== undefined && atTop(fn)) {
    const local = em.addLocal('i32');
    em.localTee(local);
    invariantCache.set(em, (cache ?? new Map<string, number>()).set(key, local));
  }
}

/** The i32 (scalar walk) or i32x4 (SIMD walk) instruction of `+`, `-` or `*` (`+=` … use theirs). */
function emitIntOp(em: Emitter, operator: string, vector: boolean): void {
  const op = operator[0];
  if (vector) {
    if (op === '+') em.i32x4Add();
    else if (op === '-') em.i32x4Sub();
    else em.i32x4Mul();
  } else if (op === '+') em.i32Add();
  else if (op === '-') em.i32Sub();
  else em.i32Mul();
}

/**
 * The local an assignment writes when the patch emits it as integer math: an i32 local (vi32 in the
 * SIMD walk) that the analysis proved integer, assigned with = += -= *=; undefined otherwise.
 */
function intLocal(fn: FunctionNode, node: BinaryNode, vector: boolean): ScalarLocal | undefined {
  const name = identifierName(node.left);
  const local = name === undefined ? undefined : fn.locals.get(name);
  if (
    name === undefined ||
    !local ||
    local.kind !== (vector ? 'vscalar' : 'scalar') ||
    local.wtype !== (vector ? 'vi32' : 'i32') ||
    !analyse(fn).ints.has(name) ||
    !INT_ASSIGN_OPS.has(node.operator)
  ) {
    return undefined;
  }
  return local;
}

/** The new value of an integer assignment, left on the stack (the caller stores it). */
function emitIntAssignment(fn: FunctionNode, node: BinaryNode, local: ScalarLocal, vector: boolean): void {
  const emit = vector ? vEmitInt : emitInt;
  if (node.operator === '=') {
    emit(fn, node.right);
    return;
  }
  fn.em.localGet(local.index);
  emit(fn, node.right);
  emitIntOp(fn.em, node.operator, vector);
}

/** Emits an integer expression as i32x4 in the SIMD walk (uniform parts scalar, then splat). */
function vEmitInt(fn: FunctionNode, node: AstNode): void {
  const em = fn.em;
  if (!varying(fn, node)) {
    emitInt(fn, node);
    em.i32x4Splat();
    return;
  }
  switch (node.type) {
    case 'BinaryExpression': {
      const b = node as BinaryNode;
      vEmitInt(fn, b.left);
      vEmitInt(fn, b.right);
      emitIntOp(em, b.operator, true);
      return;
    }
    case 'UnaryExpression': {
      const u = node as UnaryNode;
      if (u.operator === '-') em.v128ConstI32x4(0, 0, 0, 0);
      vEmitInt(fn, u.argument);
      if (u.operator === '-') em.i32x4Sub();
      return;
    }
    case 'CallExpression': {
      // Math.floor(A / B) (floorDivision): wasm has no i32x4 division, so lane by lane
      const d = floorDivParts(node);
      if (!d) break;
      const dividend = em.addLocal('v128');
      vEmitInt(fn, d[0]);
      em.localSet(dividend);
      // A varying divisor is the proven k in every live lane, but a lane masked off when a local
      // in it was declared holds a stale value (0: a trap): divide by k itself.
      const k = varying(fn, d[1]) ? floorDivision(fn, analyse(fn), node)?.k : undefined;
      let divisor: (lane: number) => void;
      if (k !== undefined) {
        divisor = () => em.i32Const(k);
      } else if (!varying(fn, d[1])) {
        const local = em.addLocal('i32');
        emitInt(fn, d[1]);
        em.localSet(local);
        divisor = () => em.localGet(local);
      } else {
        const local = em.addLocal('v128');
        vEmitInt(fn, d[1]);
        em.localSet(local);
        divisor = (lane) => em.localGet(local).i32x4ExtractLane(lane);
      }
      em.localGet(dividend);
      for (let lane = 0; lane < 4; lane++) {
        em.localGet(dividend).i32x4ExtractLane(lane);
        divisor(lane);
        em.i32DivS().i32x4ReplaceLane(lane);
      }
      return;
    }
  }
  fn.pushState('building-integer');
  const type = fn.vexpr(node);
  fn.popState('building-integer');
  fn.vCoerce(type, 'vi32');
}

// ------------------------------------------------------------------ the patched methods

type Originals = Record<Replaced, Method>;

function patchedMethods(orig: Originals): Record<Replaced, Method> {
  const call = (name: Replaced, self: FunctionNode, args: unknown[]): unknown =>
    (orig[name] as (this: FunctionNode, ...a: unknown[]) => unknown).apply(self, args);

  return {
    stmtVariableDeclaration(this: FunctionNode, ...args: never[]): unknown {
      const node = args[0] as DeclarationNode;
      const decls = node.declarations;
      if (!decls || !decls[0] || !decls[0].init) return call('stmtVariableDeclaration', this, args);
      const { ints } = analyse(this);
      for (const decl of decls) {
        const name = identifierName(decl.id);
        if (name === undefined || !ints.has(name) || !decl.init) {
          call('stmtVariableDeclaration', this, [{ ...node, declarations: [decl] }]);
          continue;
        }
        const init = decl.init;
        const info = this.getDeclaration(decl.id);
        if (info) info.valueType = 'Integer';
        this.setScalarLocal(name, 'i32', 'Integer', () => emitInt(this, init));
        if (this.isThreadDependent(init)) this.taintedLocals.add(name);
      }
      return undefined;
    },

    vDeclareVarying(this: FunctionNode, ...args: never[]): unknown {
      const decl = args[0] as DeclaratorNode;
      const name = identifierName(decl.id);
      const init = decl.init;
      if (name === undefined || !init || !analyse(this).ints.has(name)) {
        return call('vDeclareVarying', this, args);
      }
      const info = this.getDeclaration(decl.id);
      if (info) info.valueType = 'Integer';
      if (this.vMaskDepth > 0) {
        const set = maskedDeclarations.get(this.em) ?? new Set<string>();
        set.add(name);
        maskedDeclarations.set(this.em, set);
      }
      this.vSetVaryingScalar(name, 'vi32', 'Integer', () => vEmitInt(this, init));
      return undefined;
    },

    emitAssignment(this: FunctionNode, ...args: never[]): unknown {
      const node = args[0] as BinaryNode;
      const local = intLocal(this, node, false);
      if (local === undefined) return call('emitAssignment', this, args);
      emitIntAssignment(this, node, local, false);
      this.em.localSet(local.index);
      const name = identifierName(node.left)!;
      if (this.isThreadDependent(node.right) || (node.operator !== '=' && this.taintedLocals.has(name))) {
        this.taintedLocals.add(name);
      }
      return undefined;
    },

    vAssign(this: FunctionNode, ...args: never[]): unknown {
      const node = args[0] as BinaryNode;
      const local = intLocal(this, node, true);
      if (local === undefined) return call('vAssign', this, args);
      emitIntAssignment(this, node, local, true);
      this.vSetLocal(local.index);
      return undefined;
    },

    emitIndex(this: FunctionNode, ...args: never[]): unknown {
      const property = args[0] as AstNode | undefined;
      if (!property || !analyse(this).isInt(property)) return call('emitIndex', this, args);
      emitInt(this, property);
      return undefined;
    },

    vEmitIndex(this: FunctionNode, ...args: never[]): unknown {
      const property = args[0] as AstNode | undefined;
      if (!property || !analyse(this).isInt(property)) return call('vEmitIndex', this, args);
      vEmitInt(this, property);
      return undefined;
    },

    exprBinary(this: FunctionNode, ...args: never[]): unknown {
      const node = args[0] as BinaryNode;
      const op = INT_COMPARE[node.operator];
      const a = analyse(this);
      if (op === undefined || !a.isInt(node.left) || !a.isInt(node.right)) {
        return call('exprBinary', this, args);
      }
      emitInt(this, node.left);
      emitInt(this, node.right);
      this.em[op]();
      return 'bool';
    },

    vexprBinary(this: FunctionNode, ...args: never[]): unknown {
      const node = args[0] as BinaryNode;
      const op = VINT_COMPARE[node.operator];
      const a = analyse(this);
      if (op === undefined || !a.isInt(node.left) || !a.isInt(node.right)) {
        return call('vexprBinary', this, args);
      }
      vEmitInt(this, node.left);
      vEmitInt(this, node.right);
      this.em[op]();
      return 'vbool';
    },

    vGather(this: FunctionNode, ...args: never[]): unknown {
      const [table, name, xProperty, yProperty, zProperty] = args as unknown as [
        'arrays' | 'constantArrays',
        string,
        AstNode,
        AstNode | null | undefined,
        AstNode | null | undefined,
      ];
      const layout = this.assembler?.layout[table][name];
      if (!layout || layout.flatLength < 4 || !xProperty) return call('vGather', this, args);
      const a = analyse(this);
      const masked = maskedDeclarations.get(this.em);
      const affine = laneAffine(this, a);
      const usable = masked ? new Set([...affine].filter((n) => !masked.has(n))) : affine;
      const contiguous =
        a.isInt(xProperty) &&
        laneAffineExpr(this, a, xProperty, usable) &&
        (!yProperty || !varying(this, yProperty)) &&
        (!zProperty || !varying(this, zProperty));
      if (!contiguous) return call('vGather', this, args);
      const em = this.em;
      const n = layout.flatLength;
      const d0 = layout.dims[0];
      const d01 = layout.dims[0] * layout.dims[1];
      // The lanes' flat indices are b, b+1, b+2, b+3 by construction (x lane-affine, y/z uniform),
      // so the read needs only lane 0's index b, computed as a scalar: b = rest + c, c the literal
      // part (into the load's offset immediate where exact), rest's lane-invariant parts cached.
      const allInt = (!yProperty || a.isInt(yProperty)) && (!zProperty || a.isInt(zProperty));
      const [rest, c] = allInt
        ? splitFlatIndex(xProperty, yProperty, zProperty, layout.dims)
        : splitLiteral(xProperty);
      const pushRest = (): void => {
        if (rest === null) em.i32Const(0);
        else emitInt(this, rest, true);
        if (allInt) return;
        // uniform y/z of gpu.js's (float) types: its own scalar index emission (uniform: one value)
        if (yProperty) {
          this.emitIndex(yProperty);
          em.i32Const(d0).i32Mul().i32Add();
        }
        if (zProperty) {
          this.emitIndex(zProperty);
          em.i32Const(d01).i32Mul().i32Add();
        }
      };
      // every lane provably inside the array: no check at all
      const rx = interval(this, a, xProperty);
      const ry = yProperty ? interval(this, a, yProperty) : ([0, 0] as [number, number]);
      const rz = zProperty ? interval(this, a, zProperty) : ([0, 0] as [number, number]);
      if (rx && ry && rz) {
        const lo = rx[0] + d0 * ry[0] + d01 * rz[0];
        const hi = rx[1] + d0 * ry[1] + d01 * rz[1];
        if (lo >= 0 && hi <= n - 1 && ry[0] >= 0 && rz[0] >= 0) {
          // rest = b - c ≥ lo - c: fold c when rest ≥ 0 (then 4·rest + 4c = 4·b, no wrap)
          if (allInt && lo - c >= 0 && layout.offset + 4 * c >= 0) {
            emitByteAddress(this, rest, true);
            em.v128Load(layout.offset + 4 * c, 2);
          } else {
            pushRest();
            if (c !== 0) em.i32Const(c).i32Add();
            em.i32Const(2).i32Shl().v128Load(layout.offset, 2);
          }
          return 'vf32';
        }
      }
      // a run-time check: (u32) rest <= n-4-c ⇔ rest ∈ [0, n-4-c] ⇒ b ∈ [c, n-4], inside. Quads
      // that fail it (b < c inside the array included) take gpu.js's clamped gather, which gives
      // the same numbers for in-range lanes, so the split never changes a result.
      const fold = c >= 0 && c <= n - 4 ? c : 0;
      const base = em.addLocal('i32');
      pushRest();
      if (c !== fold) em.i32Const(c - fold).i32Add();
      em.localTee(base)
        .i32Const(n - 4 - fold)
        .i32LeU();
      this.enterIf('v128');
      em.localGet(base)
        .i32Const(2)
        .i32Shl()
        .v128Load(layout.offset + 4 * fold, 2);
      em.else_();
      // otherwise gpu.js's clamped gather of the lanes b + 0..3, unchanged
      const idx = em.addLocal('v128');
      const max = n - 1;
      em.localGet(base);
      if (fold !== 0) em.i32Const(fold).i32Add();
      em.i32x4Splat().v128ConstI32x4(0, 1, 2, 3).i32x4Add();
      em.v128ConstI32x4(0, 0, 0, 0).i32x4MaxS();
      em.v128ConstI32x4(max, max, max, max).i32x4MinS().localSet(idx);
      em.localGet(idx).i32x4ExtractLane(0).i32Const(2).i32Shl().f32Load(layout.offset).f32x4Splat();
      for (let lane = 1; lane < 4; lane++) {
        em.localGet(idx)
          .i32x4ExtractLane(lane)
          .i32Const(2)
          .i32Shl()
          .f32Load(layout.offset)
          .f32x4ReplaceLane(lane);
      }
      this.exit();
      return 'vf32';
    },

    emitFlatLoad(this: FunctionNode, ...args: never[]): unknown {
      const [table, name, xProperty, yProperty, zProperty] = args as unknown as [
        'arrays' | 'constantArrays',
        string,
        AstNode | null | undefined,
        AstNode | null | undefined,
        AstNode | null | undefined,
      ];
      const layout = this.assembler?.layout[table][name];
      const a = analyse(this);
      if (
        !layout ||
        !xProperty ||
        !this.isRootKernel ||
        !this.output ||
        !a.isInt(xProperty) ||
        (yProperty && !a.isInt(yProperty)) ||
        (zProperty && !a.isInt(zProperty))
      ) {
        return call('emitFlatLoad', this, args);
      }
      // index = rest + c: address (rest << 2) + (offset + 4c), c in the load's offset immediate.
      // Exact when rest ≥ 0 and rest + c ≥ 0 (no i32 wrap in either form); gpu.js's address of an
      // index below 0 wraps past 4 GiB and traps, so those reads keep gpu.js's emission.
      const [rest, c] = splitFlatIndex(xProperty, yProperty, zProperty, layout.dims);
      const r = rest === null ? ([0, 0] as [number, number]) : interval(this, a, rest);
      const offset = layout.offset + 4 * c;
      if (
        !r ||
        r[0] < 0 ||
        r[0] + c < 0 ||
        4 * (r[1] + Math.max(c, 0)) > I32_LIMIT ||
        offset < 0 ||
        offset > 0xffffffff
      ) {
        return call('emitFlatLoad', this, args);
      }
      // under a SIMD lane mask gpu.js clamps the index into the array: a no-op when it provably is
      const max = layout.dims[0] * layout.dims[1] * layout.dims[2] - 1;
      if (this.vec && this.vMaskDepth > 0 && r[1] + c > max) return call('emitFlatLoad', this, args);
      emitByteAddress(this, rest);
      this.em.f32Load(offset);
      return 'f32';
    },
  };
}

// ------------------------------------------------------------------ wasm inspection (self-test, tests)

/** One function body of a wasm module: its declared locals by type, and its code bytes. */
export interface WasmBody {
  readonly locals: Readonly<Record<string, number>>;
  readonly code: Uint8Array;
}

const VALTYPE_NAMES: Readonly<Record<number, string>> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
};

/** The function bodies of a wasm binary (code section), in definition order. */
export function wasmBodies(bytes: Uint8Array): WasmBody[] {
  let at = 8;
  const uleb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return result;
    }
  };
  const bodies: WasmBody[] = [];
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = uleb();
    const end = at + size;
    if (id === 10) {
      const count = uleb();
      for (let f = 0; f < count; f++) {
        const bodySize = uleb();
        const bodyEnd = at + bodySize;
        const locals: Record<string, number> = {};
        const groups = uleb();
        for (let g = 0; g < groups; g++) {
          const n = uleb();
          const t = VALTYPE_NAMES[bytes[at++]] ?? 'unknown';
          locals[t] = (locals[t] ?? 0) + n;
        }
        bodies.push({ locals, code: bytes.slice(at, bodyEnd) });
        at = bodyEnd;
      }
    }
    at = end;
  }
  return bodies;
}

/** Occurrences of `v128.load` with alignment 2^2 (0xfd 0x00 0x02), the form the patch emits. */
export function countV128Loads(code: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 2 < code.length; i++) {
    if (code[i] === 0xfd && code[i + 1] === 0x00 && code[i + 2] === 0x02) n++;
  }
  return n;
}

/**
 * One decoded wasm instruction: its opcode (`0xfc00 + n` / `0xfd00 + n` for the prefixed `0xfc n` /
 * `0xfd n`) and, for a load or store, its memarg offset.
 */
export interface WasmInstruction {
  readonly op: number;
  readonly offset?: number;
}

/**
 * Decodes a function body's code (after its locals, as wasmBodies gives it) into instructions, for
 * the opcodes gpu.js emits; throws on any other, so that an immediate is never misread as an opcode.
 */
export function wasmInstructions(code: Uint8Array): WasmInstruction[] {
  let at = 0;
  const uleb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = code[at++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return result;
    }
  };
  const out: WasmInstruction[] = [];
  while (at < code.length) {
    const op = code[at++];
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      at++; // block type (one byte)
    } else if (op === 0x0c || op === 0x0d || op === 0x10 || (op >= 0x20 && op <= 0x24)) {
      uleb();
    } else if (op === 0x0e) {
      for (let n = uleb(); n >= 0; n--) uleb(); // br_table: the labels and the default
    } else if (op === 0x11) {
      uleb();
      uleb();
    } else if (op >= 0x28 && op <= 0x3e) {
      uleb();
      out.push({ op, offset: uleb() });
      continue;
    } else if (op === 0x3f || op === 0x40) {
      at++;
    } else if (op === 0x41 || op === 0x42) {
      while ((code[at++] & 0x80) !== 0);
    } else if (op === 0x43) {
      at += 4;
    } else if (op === 0x44) {
      at += 8;
    } else if (op === 0xfc) {
      const n = uleb();
      if (n > 7 && n !== 10 && n !== 11) throw new Error(`unexpected opcode 0xfc ${n} at ${at}`);
      at += n === 10 ? 2 : n === 11 ? 1 : 0; // memory.copy, memory.fill
      out.push({ op: 0xfc00 + n });
      continue;
    } else if (op === 0xfd) {
      const n = uleb();
      if (n <= 11 || n === 92 || n === 93) {
        uleb();
        out.push({ op: 0xfd00 + n, offset: uleb() });
        continue;
      }
      if (n === 12 || n === 13) at += 16;
      else if (n >= 21 && n <= 34) at++;
      else if (n >= 84 && n <= 91) {
        uleb();
        uleb();
        at++;
      }
      out.push({ op: 0xfd00 + n });
      continue;
    } else if (!(
      op <= 0x01 ||
      op === 0x05 ||
      op === 0x0b ||
      op === 0x0f ||
      op === 0x1a ||
      op === 0x1b ||
      (op >= 0x45 && op <= 0xc4)
    )) {
      throw new Error(`unexpected opcode 0x${op.toString(16)} at ${at - 1}`);
    }
    out.push({ op });
  }
  return out;
}

/**
 * The float → int conversions: `i32.trunc_f32_s|u` (0xa8, 0xa9), `i32.trunc_sat_f32_s|u` (0xfc 0,
 * 0xfc 1) and `i32x4.trunc_sat_f32x4_s|u` (0xfd 248, 0xfd 249), the instructions a float index
 * goes through.
 */
const FLOAT_TO_INT = new Set([0xa8, 0xa9, 0xfc00, 0xfc01, 0xfd00 + 248, 0xfd00 + 249]);

/** How many float → int conversions (FLOAT_TO_INT) a function body's code holds (decoded, not scanned). */
export function countFloatToInt(code: Uint8Array): number {
  return wasmInstructions(code).filter((i) => FLOAT_TO_INT.has(i.op)).length;
}

/** The wasm bytes gpu.js built for a webasm kernel (after its first call). */
export function kernelWasmBytes(kernel: unknown): Uint8Array | undefined {
  const inner = (kernel as { kernel?: { _active?: { bytes?: unknown } | null } }).kernel;
  const bytes = inner?._active?.bytes;
  return bytes instanceof Uint8Array ? bytes : undefined;
}

// ------------------------------------------------------------------ install / remove / status

interface Target {
  readonly proto: Record<string, unknown>;
  /** From gpu.js's package.json; undefined where it cannot be read (then the fingerprint identifies the code). */
  readonly version: string | undefined;
  readonly simdSupported: boolean;
}

let target: Target | undefined;
let originals: Originals | undefined;
let status: GpujsPatchStatus = { applied: false, reason: 'not applied yet' };
let selfTested = false;

/**
 * A Node built-in module, or undefined outside Node. Loaded with `process.getBuiltinModule` (Node ≥
 * 20.16), not an import: bundlers never see it, so a browser bundle of this file has no Node module.
 */
function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(id) as T) : undefined;
}

/**
 * The version in the package.json of the gpu.js that this file imports, where Node can read it
 * (resolved from this file, as its import is); undefined elsewhere (browsers, bundles).
 */
function installedGpujsVersion(): string | undefined {
  const mod = nodeBuiltin<{ createRequire(from: string): (id: string) => unknown }>('node:module');
  if (!mod) return undefined;
  try {
    const pkg = mod.createRequire(import.meta.url)('gpu.js/package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return undefined;
  }
}

/** The gpu.js classes the patch touches, from the module this file imports (`src/` in Node, the browser build in bundles). */
function locate(): Target | string {
  const version = installedGpujsVersion();
  if (version !== undefined && version !== GPUJS_PATCH_VERSION) {
    return `gpu.js ${version} is installed; the patch is for exactly ${GPUJS_PATCH_VERSION}`;
  }
  const lib = gpujs as unknown as {
    WebAssemblyFunctionNode?: { prototype: Record<string, unknown> };
    WebAssemblyKernel?: { isSIMDSupported?: boolean };
  };
  if (!lib.WebAssemblyFunctionNode) return 'gpu.js has no WebAssemblyFunctionNode';
  return {
    proto: lib.WebAssemblyFunctionNode.prototype,
    version,
    simdSupported: lib.WebAssemblyKernel?.isSIMDSupported === true,
  };
}

/** sha256 over the sources of FINGERPRINTED (unpatched originals where already patched). */
export function gpujsFingerprint(proto: Record<string, unknown>, from: Partial<Originals> = {}): string {
  let text = '';
  for (const name of FINGERPRINTED) {
    const m = (from as Record<string, unknown>)[name] ?? proto[name];
    text += `${name}\n${typeof m === 'function' ? Function.prototype.toString.call(m) : '(missing)'}\n`;
  }
  return sha256Hex(text);
}

/** SHA-256 round constants (FIPS 180-4 §4.2.2). */
const SHA256_K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/**
 * SHA-256 of a string's UTF-8 bytes, as hex (FIPS 180-4). Written out here because the fingerprint
 * is checked synchronously on load, everywhere: node:crypto is Node's, crypto.subtle is async.
 */
export function sha256Hex(text: string): string {
  const data = new TextEncoder().encode(text);
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = data.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(padded.length - 4, bits >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i];
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      k = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
  }
  return Array.from(h, (x) => x.toString(16).padStart(8, '0')).join('');
}

/** The gpu.js build a fingerprint identifies, if it is one the patch was written for. */
function knownBuild(fingerprint: string): string | undefined {
  if (fingerprint === GPUJS_PATCH_FINGERPRINT) return 'src';
  if (fingerprint === GPUJS_PATCH_FINGERPRINT_BROWSER) return 'dist/gpu-browser.js';
  return undefined;
}

function disabledByEnv(): boolean {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.COORDATTN_GPUJS_PATCH === '0';
}

/**
 * Installs the patch (idempotent). Refuses, leaving gpu.js untouched, when disabled by
 * COORDATTN_GPUJS_PATCH=0, when gpu.js is not exactly 2.24.1 or when a method's source differs.
 */
export function applyGpujsPatch(): GpujsPatchStatus {
  if (originals) return status;
  if (disabledByEnv()) {
    status = { applied: false, reason: 'disabled by COORDATTN_GPUJS_PATCH=0' };
    return status;
  }
  const t = target ?? locate();
  if (typeof t === 'string') {
    status = { applied: false, reason: t };
    return status;
  }
  target = t;
  const fingerprint = gpujsFingerprint(t.proto);
  if (knownBuild(fingerprint) === undefined) {
    status = {
      applied: false,
      ...(t.version !== undefined ? { gpujsVersion: t.version } : {}),
      reason: `gpu.js ${t.version ?? '(version unknown)'}'s WebAssembly code generator differs from the one the patch was written for (fingerprint ${fingerprint.slice(0, 12)}…, expected ${GPUJS_PATCH_FINGERPRINT.slice(0, 12)}… or, for the browser build, ${GPUJS_PATCH_FINGERPRINT_BROWSER.slice(0, 12)}…)`,
    };
    return status;
  }
  const saved = {} as Originals;
  for (const name of REPLACED) saved[name] = t.proto[name] as Method;
  const replacement = patchedMethods(saved);
  for (const name of REPLACED) t.proto[name] = replacement[name];
  originals = saved;
  selfTested = false;
  // Where package.json cannot be read, the fingerprint identifies 2.24.1's code.
  status = { applied: true, gpujsVersion: t.version ?? GPUJS_PATCH_VERSION };
  return status;
}

/** Restores gpu.js's original methods (kernels compiled while patched keep their code). */
export function removeGpujsPatch(reason = 'removed by removeGpujsPatch()'): GpujsPatchStatus {
  if (target && originals) {
    for (const name of REPLACED) target.proto[name] = originals[name];
  }
  originals = undefined;
  status = {
    applied: false,
    reason,
    ...(target?.version !== undefined ? { gpujsVersion: target.version } : {}),
  };
  return status;
}

/**
 * The self-test kernel: integer locals, a loop counter, two reads contiguous in thread.x (output
 * x-size 6, so a SIMD quad and a scalar tail).
 */
const SELF_TEST_SOURCE = `function selfTest(x) {
  let k = 0;
  for (let i = 0; i < 3; i++) {
    k += 2;
  }
  const j = this.thread.y * 5 + k;
  return x[j + this.thread.x] + this.constants.w[this.thread.x + 1];
}`;

function runSelfTest(t: Target): NonNullable<GpujsPatchStatus['selfTest']> {
  const W = 6;
  const H = 3;
  const x = new Float32Array(5 * H + 6 + W + 4).map((_, i) => i * 0.5 + 1);
  const w = Array.from({ length: W + 1 }, (_, i) => 100 * (i + 1));
  const gpu = new gpujs.GPU({ mode: 'webasm' });
  try {
    const k = gpu.createKernel(SELF_TEST_SOURCE, { output: [W, H], constants: { w }, precision: 'single' });
    const out = k(x) as unknown as Float32Array[];
    let numbersMatch = true;
    for (let y = 0; y < H; y++) {
      for (let i = 0; i < W; i++) {
        const want = Math.fround(Math.fround(x[y * 5 + 6 + i]) + w[i + 1]);
        if (out[y][i] !== want) numbersMatch = false;
      }
    }
    const bytes = kernelWasmBytes(k);
    const bodies = bytes ? wasmBodies(bytes) : [];
    const scalar = bodies[0];
    const intLocals = scalar !== undefined && (scalar.locals.f32 ?? 0) === 0 && (scalar.locals.i32 ?? 0) >= 3;
    const vectorLoads = t.simdSupported && bodies.some((b) => countV128Loads(b.code) >= 2);
    k.destroy(true);
    return {
      passed: numbersMatch && intLocals && (vectorLoads || !t.simdSupported),
      intLocals,
      vectorLoads,
      numbersMatch,
      simdSupported: t.simdSupported,
    };
  } finally {
    void gpu.destroy();
  }
}

/**
 * Whether the patch is in place. The first call after applying runs the self-test (compiles a small
 * webasm kernel, ~10–50 ms); a failed self-test removes the patch and reports why.
 */
export function gpujsPatchStatus(): GpujsPatchStatus {
  if (!originals || !target || selfTested) return status;
  selfTested = true;
  let selfTest: NonNullable<GpujsPatchStatus['selfTest']>;
  try {
    selfTest = runSelfTest(target);
  } catch (e) {
    removeGpujsPatch(`self-test threw: ${(e as Error).message}`);
    return status;
  }
  if (!selfTest.passed) {
    removeGpujsPatch(
      `self-test failed (numbers ${selfTest.numbersMatch ? 'ok' : 'wrong'}, i32 locals ${selfTest.intLocals ? 'ok' : 'missing'}, v128.load ${selfTest.vectorLoads ? 'ok' : 'missing'}): gpu.js was left unpatched`,
    );
    status = { ...status, selfTest };
    return status;
  }
  status = { ...status, selfTest };
  return status;
}

applyGpujsPatch();
