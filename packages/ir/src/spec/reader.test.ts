import { describe, expect, it } from 'vitest';
import { CoordattnError, type ErrorCode } from '../errors.js';
import { OP_NAMES } from '../ops/index.js';
import { parseSpec, readSpec } from './index.js';

/** Asserts fn throws a CoordattnError with this code, path and message parts (in order). */
function expectError(
  fn: () => unknown,
  code: ErrorCode,
  path: string | undefined,
  ...parts: string[]
): CoordattnError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a CoordattnError').toBeInstanceOf(CoordattnError);
  const e = err as CoordattnError;
  expect(e.code).toBe(code);
  expect(e.details.path).toBe(path);
  expect(e.message.startsWith(`${code}${path ? ` at ${path}` : ''}: `)).toBe(true);
  let from = 0;
  for (const p of parts) {
    const k = e.message.indexOf(p, from);
    expect(
      k,
      `message ${JSON.stringify(e.message)} should contain ${JSON.stringify(p)}`,
    ).toBeGreaterThanOrEqual(0);
    from = k + p.length;
  }
  return e;
}

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

/** A small valid graph spec: conv → relu. */
function graph(over: Json = {}): Json {
  return {
    coordattn: 1,
    kind: 'graph',
    inputs: [{ name: 'input', shape: [1, 8, 'H', 'W'] }],
    nodes: [
      { path: 'conv', op: 'conv2d', inputs: ['input'], attrs: { outChannels: 16, kernel: 3, padding: 1 } },
      { path: 'relu', op: 'relu', inputs: ['conv'] },
    ],
    outputs: ['relu'],
    ...over,
  };
}

/** graph() with one node changed. */
function graphNode(i: number, edit: (n: Json) => void): Json {
  const g = graph();
  edit((g.nodes as Json[])[i]);
  return g;
}

function model(over: Json = {}): Json {
  return {
    coordattn: 1,
    kind: 'model',
    backbone: 'mobilenetv2',
    attention: { kind: 'ca', config: { reduction: 32 } },
    ...over,
  };
}

const SRC = 'model.json';
const read = (spec: Json) => () => parseSpec(spec, SRC);
const DIM_EXPECTED = '(expected a positive integer or a dimension expression)';

describe('valid specs', () => {
  it('reads the small graph spec from text', () => {
    const g = readSpec(JSON.stringify(graph()), SRC);
    expect(g.nodes.map((n) => n.path)).toEqual(['conv', 'relu']);
    expect(g.nodes[1].outputs[0].map((d) => d.toString())).toEqual(['1', '16', 'H', 'W']);
  });

  it('reads a model spec with every option', () => {
    const g = parseSpec(
      model({
        name: 'mbv2-ca',
        width: 1,
        resolution: ['H', 'W'],
        batch: 'N',
        classes: 10,
        placement: 'ca-paper',
        stages: [2, 3],
      }),
    );
    expect(g.inputs[0].shape.map((d) => d.toString())).toEqual(['N', '3', 'H', 'W']);
    expect(g.meta.name).toBe('mbv2-ca');
    expect(g.blocks.length).toBeGreaterThan(0);
  });

  it('strips a byte-order mark', () => {
    expect(readSpec(`\ufeff${JSON.stringify(graph())}`).nodes.length).toBe(2);
  });
});

describe('malformed JSON (E_JSON: file, line, column, reason)', () => {
  it('trailing comma', () => {
    expectError(
      () => readSpec('{"coordattn": 1, "kind": "graph",}', 'bad.json'),
      'E_JSON',
      'bad.json:1:34',
      "unexpected '}'",
      '(expected a double-quoted property name (no trailing commas))',
    );
  });

  it('missing colon on line 3', () => {
    expectError(
      () => readSpec('{\n  "coordattn": 1,\n  "kind" "graph"\n}', 'bad.json'),
      'E_JSON',
      'bad.json:3:10',
      `unexpected '"'`,
      "(expected ':' after a property name)",
    );
  });

  it('truncated text', () => {
    expectError(
      () => readSpec('{"coordattn": 1', 'bad.json'),
      'E_JSON',
      'bad.json:1:16',
      'unexpected end of input',
      "(expected ',' or '}')",
    );
  });

  it('empty text, without a file name', () => {
    expectError(
      () => readSpec(''),
      'E_JSON',
      'line 1, column 1',
      'unexpected end of input',
      '(expected a value)',
    );
  });

  it('text after the value', () => {
    expectError(
      () => readSpec('{}\n x', 'bad.json'),
      'E_JSON',
      'bad.json:2:2',
      "unexpected 'x'",
      '(expected end of input after the JSON value)',
    );
  });

  it('a raw control character in a string', () => {
    expectError(
      () => readSpec('{"a": "\u0001"}', 'bad.json'),
      'E_JSON',
      'bad.json:1:8',
      'character U+0001 inside a string',
    );
  });

  it('nesting deeper than 64 levels', () => {
    expectError(
      () => readSpec(`${'['.repeat(100)}${']'.repeat(100)}`, 'bad.json'),
      'E_JSON',
      'bad.json:1:65',
      'arrays and objects nested deeper than 64 levels',
    );
  });

  it('a top-level array', () => {
    expectError(
      () => readSpec('[1, 2]', 'bad.json'),
      'E_JSON',
      'bad.json',
      'a spec must be a JSON object, got an array',
      '(expected an object with "coordattn": 1 and "kind": "model" or "graph")',
    );
  });
});

describe('version (E_SPEC_VERSION)', () => {
  it('missing version field', () => {
    expectError(
      read({ kind: 'graph' }),
      'E_SPEC_VERSION',
      `${SRC}:coordattn`,
      "missing the version field 'coordattn'",
      '(expected "coordattn": 1)',
    );
  });

  it('a future version', () => {
    expectError(
      read({ ...graph(), coordattn: 2 }),
      'E_SPEC_VERSION',
      `${SRC}:coordattn`,
      'unsupported spec version 2',
      '(expected "coordattn": 1',
    );
  });

  it('the version as a string', () => {
    expectError(
      read({ ...graph(), coordattn: '1' }),
      'E_SPEC_VERSION',
      `${SRC}:coordattn`,
      'unsupported spec version "1"',
    );
  });
});

describe('structure (E_SPEC with a JSON path)', () => {
  it('missing kind', () => {
    expectError(
      read({ coordattn: 1 }),
      'E_SPEC',
      `${SRC}:kind`,
      "missing field 'kind'",
      "(expected 'model' or 'graph')",
    );
  });

  it('unknown kind', () => {
    expectError(read({ coordattn: 1, kind: 'net' }), 'E_SPEC', `${SRC}:kind`, 'unknown spec kind "net"');
  });

  it('unknown top-level field', () => {
    expectError(
      read(graph({ extra: 1 })),
      'E_SPEC',
      `${SRC}:extra`,
      "unknown field 'extra' in a graph spec",
      '(expected only the fields coordattn, kind, name, inputs, nodes, outputs, blocks, meta)',
    );
  });

  it('unknown field in a node', () => {
    expectError(
      read(graphNode(1, (n) => (n.color = 'red'))),
      'E_SPEC',
      `${SRC}:nodes[1].color`,
      "unknown field 'color' in a node",
      'path, op, inputs, attrs, provenance, shareWeightsWith, block',
    );
  });

  it('wrong type of a node field', () => {
    expectError(
      read(graphNode(1, (n) => (n.inputs = 'conv'))),
      'E_SPEC',
      `${SRC}:nodes[1].inputs`,
      'wrong type: got "conv"',
      '(expected a list of value references',
    );
  });

  it('missing node field', () => {
    expectError(
      read(graphNode(1, (n) => delete n.op)),
      'E_SPEC',
      `${SRC}:nodes[1].op`,
      "missing field 'op'",
      '(expected a primitive op name)',
    );
  });

  it('a node path of the wrong form', () => {
    expectError(
      read(graphNode(1, (n) => (n.path = 'my relu'))),
      'E_SPEC',
      `${SRC}:nodes[1].path`,
      'path "my relu" has the wrong form',
      '(expected a node path: dot-separated names of letters, digits and _',
    );
  });

  it('a value reference with a newline (regression: TypeError in parseRef)', () => {
    expectError(
      read(graphNode(1, (n) => (n.inputs = ['conv\n']))),
      'E_SPEC',
      `${SRC}:nodes[1].inputs[0]`,
      'inputs[0] "conv\\n" has the wrong form',
      '(expected a value reference',
    );
  });

  it('attrs not an object', () => {
    expectError(
      read(graphNode(0, (n) => (n.attrs = 5))),
      'E_SPEC',
      `${SRC}:nodes[0].attrs`,
      'wrong type: got 5',
      "(expected an object of the op's attributes",
    );
  });

  it('wrong type of a dimension', () => {
    expectError(
      read(graph({ inputs: [{ name: 'input', shape: [1, true, 'H', 'W'] }] })),
      'E_SPEC',
      `${SRC}:inputs[0].shape[1]`,
      'wrong type: got true',
      '(expected a positive integer or a dimension expression string',
    );
  });

  it('an empty input list', () => {
    expectError(
      read(graph({ inputs: [] })),
      'E_SPEC',
      `${SRC}:inputs`,
      "'inputs' has 0 items, too few",
      '(expected at least 1 item)',
    );
  });

  it('a __proto__ field', () => {
    expectError(
      () => readSpec('{"coordattn": 1, "kind": "graph", "__proto__": {"polluted": true}}', SRC),
      'E_SPEC',
      `${SRC}:__proto__`,
      "forbidden field '__proto__'",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a nested __proto__ field in attrs', () => {
    const spec = JSON.parse(
      JSON.stringify(graph()).replace('"outChannels"', '"__proto__": {"x": 1}, "outChannels"'),
    );
    expectError(read(spec), 'E_SPEC', `${SRC}:nodes[0].attrs.__proto__`, "forbidden field '__proto__'");
  });

  it('a non-JSON number handed to parseSpec', () => {
    expectError(
      read(graph({ name: Number.NaN })),
      'E_SPEC',
      `${SRC}:name`,
      'the number NaN is not a JSON number',
    );
  });

  it('a cyclic value handed to parseSpec', () => {
    const g = graph();
    (g.meta as unknown) = g;
    expect(read(g)).toThrow(CoordattnError);
    expect(read(g)).toThrow(
      /^E_SPEC at model\.json:meta\.meta\.meta.*: arrays and objects nested deeper than 64 levels/,
    );
  });

  it('a node naming an undeclared block', () => {
    expectError(
      read(graphNode(1, (n) => (n.block = 'attention'))),
      'E_SPEC',
      `${SRC}:nodes[1].block`,
      "node 'relu' names block 'attention', which is not listed in \"blocks\"",
    );
  });
});

describe('ops and attributes', () => {
  it('unknown op (E_UNKNOWN_OP with node path and the ops)', () => {
    expectError(
      read(graphNode(1, (n) => (n.op = 'relu7'))),
      'E_UNKNOWN_OP',
      `${SRC}:nodes[1].op`,
      `unknown op "relu7" in node 'relu'`,
      `(expected one of ${OP_NAMES.join(', ')})`,
    );
  });

  it('unknown attribute (E_ATTR)', () => {
    expectError(
      read(graphNode(0, (n) => ((n.attrs as Json).foo = 5))),
      'E_ATTR',
      `${SRC}:nodes[0].attrs.foo`,
      "node 'conv' (conv2d): unknown attribute 'foo' in op 'conv2d'",
      '(expected only the attributes outChannels, kernel, stride, padding, dilation, groups, bias)',
    );
  });

  it('attribute of the wrong type', () => {
    expectError(
      read(graphNode(0, (n) => ((n.attrs as Json).kernel = '3x3'))),
      'E_ATTR',
      `${SRC}:nodes[0].attrs.kernel`,
      'node \'conv\' (conv2d): wrong type: got "3x3"',
      '(expected an integer >= 1 or [an integer >= 1, an integer >= 1])',
    );
  });

  it('missing attribute', () => {
    expectError(
      read(graphNode(0, (n) => delete (n.attrs as Json).outChannels)),
      'E_ATTR',
      `${SRC}:nodes[0].attrs.outChannels`,
      "node 'conv' (conv2d): missing attribute 'outChannels'",
    );
  });

  it('attribute out of range', () => {
    expectError(
      read(graphNode(0, (n) => ((n.attrs as Json).stride = [1, 0]))),
      'E_ATTR',
      `${SRC}:nodes[0].attrs.stride[1]`,
      'stride[1] 0 is too small',
      '(expected an integer >= 1)',
    );
  });

  it('unknown enum value of an attribute', () => {
    const spec = graph();
    (spec.nodes as Json[])[1] = { path: 'p', op: 'directional_mean', inputs: ['conv'], attrs: { over: 'C' } };
    expectError(
      read(spec),
      'E_ATTR',
      `${SRC}:nodes[1].attrs.over`,
      'unknown over "C"',
      "(expected one of 'H', 'W')",
    );
  });

  it('concat axis out of range for the input rank', () => {
    expectError(
      read(
        graph({
          nodes: [{ path: 'cat', op: 'concat', inputs: ['input', 'input'], attrs: { axis: 5 } }],
          outputs: ['cat'],
        }),
      ),
      'E_ATTR',
      `${SRC}:nodes[0].attrs.axis`,
      "node 'cat' (concat): axis 5 is out of range for rank 4",
    );
  });

  it('unknown provenance call', () => {
    expectError(
      read(graphNode(1, (n) => (n.provenance = { call: 'method' }))),
      'E_SPEC',
      `${SRC}:nodes[1].provenance.call`,
      'unknown provenance call "method"',
      "(expected one of 'module', 'functional', 'tensor')",
    );
  });
});

describe('graph references (E_GRAPH)', () => {
  it('an input referring to no earlier node', () => {
    expectError(
      read(graphNode(1, (n) => (n.inputs = ['conv2']))),
      'E_GRAPH',
      `${SRC}:nodes[1]`,
      "node 'relu' (relu): input 'conv2' refers to no earlier node or graph input",
    );
  });

  it('a duplicate node path', () => {
    expectError(
      read(graphNode(1, (n) => (n.path = 'conv'))),
      'E_GRAPH',
      `${SRC}:nodes[1]`,
      "duplicate node path 'conv'",
    );
  });

  it('wrong number of inputs', () => {
    expectError(
      read(graphNode(1, (n) => (n.inputs = []))),
      'E_GRAPH',
      `${SRC}:nodes[1]`,
      "op 'relu' takes 1 input(s), got 0",
    );
  });

  it('an unknown graph output', () => {
    expectError(
      read(graph({ outputs: ['nope'] })),
      'E_GRAPH',
      `${SRC}:outputs[0]`,
      "graph output 'nope'",
      "'nope' refers to no earlier node",
    );
  });

  it('sharing weights across ops', () => {
    expectError(
      read(graphNode(1, (n) => (n.shareWeightsWith = 'conv'))),
      'E_GRAPH',
      `${SRC}:nodes[1]`,
      "cannot share weights with 'conv', a conv2d node",
    );
  });
});

describe('dimensions (E_DIM / E_EXPR)', () => {
  const withDim = (d: unknown): Json => graph({ inputs: [{ name: 'input', shape: [1, d, 'H', 'W'] }] });
  const at = `${SRC}:inputs[0].shape[1]`;

  it('zero', () => expectError(read(withDim(0)), 'E_DIM', at, 'dimension 0 is not positive', DIM_EXPECTED));
  it('negative', () =>
    expectError(read(withDim(-3)), 'E_DIM', at, 'dimension -3 is not positive', DIM_EXPECTED));
  it('-0', () => expectError(read(withDim(-0)), 'E_DIM', at, 'dimension 0 is not positive'));
  it('not an integer', () =>
    expectError(read(withDim(2.5)), 'E_DIM', at, 'dimension 2.5 is not an integer', DIM_EXPECTED));
  it('too large', () =>
    expectError(
      read(withDim(1e308)),
      'E_DIM',
      at,
      'dimension 1e+308 is too large',
      '(expected an integer <= 1000000000000)',
    ));
  it('"0*H"', () =>
    expectError(read(withDim('0*H')), 'E_DIM', at, 'dimension "0*H" is 0, which is not positive'));
  it('"H-H"', () =>
    expectError(read(withDim('H-H')), 'E_DIM', at, 'dimension "H-H" is 0, which is not positive'));
  it('"H/2 - H"', () =>
    expectError(read(withDim('H/2 - H')), 'E_DIM', at, 'dimension "H/2 - H" is never positive'));
  it('"5/2"', () => expectError(read(withDim('5/2')), 'E_DIM', at, 'dimension "5/2" is 5/2, not an integer'));
  it('malformed expression', () => {
    expectError(
      read(withDim('H+')),
      'E_EXPR',
      at,
      'syntax error',
      "in 'H+'",
      '(expected integers, symbols, + - * /',
    );
  });
  it('"NaN" as a string', () =>
    expectError(read(withDim('NaN')), 'E_EXPR', at, "constant is not finite in 'NaN'"));
  it('division by zero', () =>
    expectError(read(withDim('floor(C / 0)')), 'E_EXPR', at, "division by zero in 'floor(C / 0)'"));
  it('negative output dim from an attribute', () => {
    expectError(
      read(graphNode(0, (n) => ((n.attrs as Json).outChannels = '-C'))),
      'E_DIM',
      `${SRC}:nodes[0]`,
      "node 'conv' (conv2d): output dim 1 is -C, which is not positive",
      ': [1,-C,H,W]',
    );
  });
});

describe('shapes (E_SHAPE naming both shapes)', () => {
  const two = (a: unknown[], b: unknown[], op: string, attrs?: Json): Json =>
    graph({
      inputs: [
        { name: 'a', shape: a },
        { name: 'b', shape: b },
      ],
      nodes: [{ path: 'x', op, inputs: ['a', 'b'], ...(attrs ? { attrs } : {}) }],
      outputs: ['x'],
    });

  it('concat', () => {
    expectError(
      read(two([1, 8, 4, 4], [1, 8, 4, 5], 'concat', { axis: 1 })),
      'E_SHAPE',
      `${SRC}:nodes[0]`,
      "node 'x' (concat): concat: dims 3 of inputs 0 and 1 are equal does not hold (4 == 5 is false)",
      ': [1,8,4,4] vs [1,8,4,5]',
    );
  });

  it('add', () => {
    expectError(
      read(two([1, 8, 'H', 'W'], [1, 16, 'H', 'W'], 'add')),
      'E_SHAPE',
      `${SRC}:nodes[0]`,
      "node 'x' (add): add: dims 1 differ and neither is 1",
      ': [1,8,H,W] vs [1,16,H,W]',
    );
  });

  it('mul', () => {
    expectError(
      read(two([1, 8, 4, 4], [1, 8, 3, 1], 'mul')),
      'E_SHAPE',
      `${SRC}:nodes[0]`,
      "node 'x' (mul): mul: dims 2 differ and neither is 1",
      ': [1,8,4,4] vs [1,8,3,1]',
    );
  });

  it('symbolic concat: provably different (C vs C + 1)', () => {
    expectError(
      read(two([1, 8, 'C', 4], [1, 8, 'C + 1', 4], 'concat', { axis: 1 })),
      'E_SHAPE',
      `${SRC}:nodes[0]`,
      'C == C + 1 is false',
      ': [1,8,C,4] vs [1,8,C + 1,4]',
    );
  });
});

describe('model options', () => {
  const cfg = (config: Json): Json => model({ attention: { kind: 'ca', config } });
  const r = `${SRC}:attention.config.reduction`;

  it('reduction 0', () =>
    expectError(
      read(cfg({ reduction: 0 })),
      'E_OPTION',
      r,
      'reduction 0 is invalid: expected an integer >= 1, got 0',
    ));
  it('reduction -3', () =>
    expectError(
      read(cfg({ reduction: -3 })),
      'E_OPTION',
      r,
      'reduction -3 is invalid: expected an integer >= 1',
    ));
  it('reduction 2.5', () =>
    expectError(
      read(cfg({ reduction: 2.5 })),
      'E_OPTION',
      r,
      'reduction 2.5 is invalid: expected an integer >= 1',
    ));
  it('reduction "r-r"', () =>
    expectError(
      read(cfg({ reduction: 'r-r' })),
      'E_OPTION',
      r,
      'reduction "r-r" is invalid: expected an integer >= 1, got 0',
    ));
  it('reduction "-r"', () =>
    expectError(read(cfg({ reduction: '-r' })), 'E_OPTION', r, 'reduction "-r" is never positive'));
  it('reduction of the wrong type', () => {
    expectError(
      read(cfg({ reduction: true })),
      'E_OPTION',
      r,
      'reduction true is invalid: expected a positive integer or a dimension expression',
    );
  });
  it('reduction as a malformed expression', () => {
    expectError(read(cfg({ reduction: 'r +' })), 'E_OPTION', r, 'syntax error', "in 'r +'");
  });
  it('unknown config field', () => {
    expectError(
      read(cfg({ reductio: 8 })),
      'E_SPEC',
      `${SRC}:attention.config.reductio`,
      "unknown field 'reductio' in the 'ca' attention config",
      '(expected only the fields reduction, minMid, activation, directions, bias)',
    );
  });
  it("config for attention 'none'", () => {
    expectError(
      read(model({ attention: { kind: 'none', config: { reduction: 8 } } })),
      'E_SPEC',
      `${SRC}:attention.config`,
      "attention kind 'none' takes no config",
    );
  });
  it('width -1', () => {
    expectError(
      read(model({ width: -1 })),
      'E_OPTION',
      `${SRC}:width`,
      'width -1 is too small',
      '(expected a width multiplier: a number > 0 and <= 16)',
    );
  });
  it('width 0', () =>
    expectError(read(model({ width: 0 })), 'E_OPTION', `${SRC}:width`, 'width 0 is too small'));
  it('width as a string', () =>
    expectError(
      read(model({ width: 'wide' })),
      'E_SPEC',
      `${SRC}:width`,
      'wrong type: got "wide"',
      '(expected a width multiplier',
    ));
  it('width on a backbone without a multiplier', () => {
    expectError(
      read(model({ backbone: 'resnet18', width: 0.5 })),
      'E_OPTION',
      `${SRC}:width`,
      'resnet18 has no width multiplier',
    );
  });
  it('unknown backbone', () => {
    expectError(
      read(model({ backbone: 'vgg16' })),
      'E_UNKNOWN_NAME',
      `${SRC}:backbone`,
      'unknown backbone "vgg16"',
      "(expected one of 'mobilenetv2', 'mobilenext'",
    );
  });
  it('unknown attention kind', () => {
    expectError(
      read(model({ attention: { kind: 'nonlocal' } })),
      'E_UNKNOWN_NAME',
      `${SRC}:attention.kind`,
      'unknown attention kind "nonlocal"',
      "(expected one of 'none', 'se', 'cbam', 'eca', 'ca', 'triplet')",
    );
  });
  it('unknown placement', () => {
    expectError(
      read(model({ placement: 'everywhere' })),
      'E_UNKNOWN_NAME',
      `${SRC}:placement`,
      'unknown placement "everywhere"',
    );
  });
  it('resolution 0', () =>
    expectError(
      read(model({ resolution: 0 })),
      'E_OPTION',
      `${SRC}:resolution`,
      'dimension 0 is not positive',
    ));
  it('resolution [224, 0]', () => {
    expectError(
      read(model({ resolution: [224, 0] })),
      'E_OPTION',
      `${SRC}:resolution[1]`,
      'dimension 0 is not positive',
    );
  });
  it('resolution with three entries', () => {
    expectError(
      read(model({ resolution: [224, 224, 3] })),
      'E_SPEC',
      `${SRC}:resolution`,
      'wrong type: got an array',
      '(expected the input size',
    );
  });
  it('stages out of range', () => {
    expectError(
      read(model({ stages: [9] })),
      'E_OPTION',
      `${SRC}:stages`,
      'mobilenetv2 has stages 1..7; got [9]',
    );
  });
  it('ecaK of the wrong length', () => {
    expectError(
      read(model({ attention: { kind: 'eca' }, ecaK: [3, 5] })),
      'E_OPTION',
      `${SRC}:ecaK`,
      'ecaK for mobilenetv2 needs one odd kernel size per stage',
    );
  });
  it('unknown model field', () => {
    expectError(read(model({ depth: 3 })), 'E_SPEC', `${SRC}:depth`, "unknown field 'depth' in a model spec");
  });
});

describe('source prefix', () => {
  it('is left out when no source is given', () => {
    expectError(() => parseSpec(clone(graph({ extra: 1 }))), 'E_SPEC', 'extra', "unknown field 'extra'");
  });
});
