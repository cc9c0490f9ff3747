/**
 * The versioned JSON spec format (version 1), defined once with zod. The reader validates the
 * structure with these schemas; `docs/spec.schema.json` is generated from them (`specJsonSchema`,
 * `npx tsx tools/gen-schemas.ts`). Objects are strict: an unknown field is an error. Op attributes
 * and attention configs are objects here: each op's (each attention kind's) own schema validates
 * them when the graph is built, so nothing is duplicated.
 */
import { z } from 'zod';
import { ATTENTION_KINDS } from '../blocks/index.js';
import { BACKBONE_NAMES, PLACEMENT_NAMES, RECIPE_NAMES } from '../backbones/types.js';
import { EXPR_LIMITS } from '../dim/index.js';
import { OP_NAMES } from '../ops/index.js';

/** The value of the `coordattn` field of every spec this version reads and writes. */
export const SPEC_VERSION = 1;

/** Limits that keep hostile spec text cheap. Checked before anything is built. */
export const SPEC_LIMITS = {
  /** Characters of spec text. */
  maxTextLength: 16 * 1024 * 1024,
  /** Nesting of JSON arrays and objects. */
  maxDepth: 64,
  /** JSON values (parseSpec walks at most this many). */
  maxValues: 4_000_000,
  maxNodes: 20_000,
  maxInputs: 64,
  maxOutputs: 1024,
  /** Characters of a node path, value reference or name. */
  maxNameLength: 512,
  maxRank: 8,
  /**
   * Characters of the canonical form of any one dimension in the graph. Each strided conv or pool
   * nests its input size one level deeper (`floor(floor(H / 2 - 1 / 2) / 2) + 1`), and work per
   * node grows with that depth; the largest dim of any built-in backbone at symbolic H, W is ~130.
   */
  maxDimKey: 2000,
  /** Characters of the canonical forms of all node output dims together (memory). */
  maxShapeChars: 20_000_000,
} as const;

const name = (what: string) => z.string().min(1).max(SPEC_LIMITS.maxNameLength).describe(what);

/** Node paths, graph input names and block paths: Graph's rule (`features.3.conv@1`). */
export const PATH_PATTERN = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(@[0-9]+)?$/;
/** A value reference: a path or input name, optionally `:k` for output k. */
export const REF_PATTERN = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(@[0-9]+)?(:[0-9]+)?$/;

const path = (what: string) => name(what).regex(PATH_PATTERN).describe(what);
const ref = (what: string) => name(what).regex(REF_PATTERN).describe(what);

/**
 * A dimension: a positive integer or an expression string over symbols. The runtime schema only
 * fixes the JSON type; positivity, integrality and the expression grammar are checked by the
 * reader (E_DIM / E_EXPR). The published JSON Schema states the full rule (see `specJsonSchema`).
 */
export const DimJson = z
  .union([z.number(), z.string()])
  .describe('a positive integer or a dimension expression string such as "H", "floor(C / r)"');

const provenanceSpec = z
  .strictObject({
    module: name('a module path in the reference PyTorch model').optional(),
    call: z.enum(['module', 'functional', 'tensor']).optional(),
    torchType: name('a PyTorch class or function name').optional(),
    object: name('the name of the module object (calls of one object share it)').optional(),
    inplace: z
      .boolean()
      .optional()
      .describe('the in-place variant (inplace=True, +=), which tracers name apart; default false'),
    folded: z
      .array(name('a PyTorch function or tensor-method name'))
      .max(16)
      .optional()
      .describe('other PyTorch calls the node absorbs that have no IR op (views such as expand_as)'),
  })
  .describe(
    'an object with module, call, torchType, object, inplace, folded: where the node comes from in PyTorch',
  );

export const NodeSpecJson = z
  .strictObject({
    path: path(
      'a node path: dot-separated names of letters, digits and _, such as "features.3.conv.attention.conv1"',
    ),
    op: z.enum(OP_NAMES).describe('a primitive op name'),
    inputs: z
      .array(ref('a value reference: a graph input name, a node path or "path:k" for output k'))
      .max(16)
      .describe('a list of value references (graph input names, node paths or "path:k")'),
    attrs: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("an object of the op's attributes (checked by the op's own schema)"),
    provenance: provenanceSpec.optional(),
    shareWeightsWith: path(
      'the path of an earlier node of the same op, whose weights this node reuses',
    ).optional(),
    block: path('the path of the innermost block (listed in "blocks") this node belongs to').optional(),
  })
  .describe(
    'a node: an object with path, op, inputs and optional attrs, provenance, shareWeightsWith, block',
  );

export const InputSpecJson = z
  .strictObject({
    name: path('a graph input name such as "input"'),
    shape: z
      .array(DimJson)
      .min(1)
      .max(SPEC_LIMITS.maxRank)
      .describe('a list of dimensions such as [1, "C", "H", "W"]'),
  })
  .describe('a graph input: an object with name and shape');

export const BlockSpecJson = z
  .strictObject({
    path: path('a block scope path such as "features.3.conv.attention"'),
    kind: name('a block kind such as "coordinate-attention"'),
    config: z.record(z.string(), z.unknown()).describe('an object: the block configuration'),
  })
  .describe('a block instance (a named scope over primitive nodes): an object with path, kind, config');

const version = z.literal(SPEC_VERSION).describe(`the spec format version, ${SPEC_VERSION}`);
const specName = z.string().max(SPEC_LIMITS.maxNameLength).describe('a name for the model or graph');

export const GraphSpecJson = z
  .strictObject({
    coordattn: version,
    kind: z.literal('graph'),
    name: specName.optional(),
    inputs: z.array(InputSpecJson).min(1).max(SPEC_LIMITS.maxInputs).describe('a list of graph inputs'),
    nodes: z.array(NodeSpecJson).max(SPEC_LIMITS.maxNodes).describe('a list of nodes in execution order'),
    outputs: z
      .array(ref('a value reference: a graph input name, a node path or "path:k" for output k'))
      .min(1)
      .max(SPEC_LIMITS.maxOutputs)
      .describe('a list of value references: the graph outputs'),
    blocks: z.array(BlockSpecJson).max(SPEC_LIMITS.maxNodes).optional().describe('a list of block instances'),
    meta: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('an object of free-form metadata, e.g. the options a backbone was built with'),
  })
  .describe('a graph spec: an explicit graph of primitive ops');

export const AttentionSpecJson = z
  .strictObject({
    kind: z.enum(ATTENTION_KINDS).describe(`an attention kind: ${ATTENTION_KINDS.join(', ')}`),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("an object of the attention kind's options (checked by that kind's own schema)"),
  })
  .describe('an object with the attention kind and its config');

const positiveInt = z.number().int().min(1);

export const ModelSpecJson = z
  .strictObject({
    coordattn: version,
    kind: z.literal('model'),
    name: specName.optional(),
    backbone: z.enum(BACKBONE_NAMES).describe(`a backbone: ${BACKBONE_NAMES.join(', ')}`),
    width: z.number().gt(0).max(16).optional().describe('a width multiplier: a number > 0 and <= 16'),
    resolution: z
      .union([DimJson, z.tuple([DimJson, DimJson])])
      .optional()
      .describe('the input size: one dimension (square) or [height, width]'),
    batch: DimJson.optional(),
    classes: positiveInt.max(1e9).optional().describe('a number of classes: an integer >= 1'),
    attention: AttentionSpecJson.optional(),
    placement: z
      .enum(PLACEMENT_NAMES)
      .optional()
      .describe(`where attention goes: ${PLACEMENT_NAMES.join(', ')}`),
    recipe: z
      .enum(RECIPE_NAMES)
      .optional()
      .describe(`a paper's configuration: ${RECIPE_NAMES.join(', ')}`),
    stages: z
      .array(positiveInt)
      .min(1)
      .max(16)
      .optional()
      .describe('a list of 1-based stage numbers that get attention'),
    ecaK: z
      .union([z.literal('adaptive'), z.array(positiveInt).min(1).max(16)])
      .optional()
      .describe("ECA kernel sizes: 'adaptive' or one odd size per stage"),
  })
  .describe('a model spec: a backbone with options');

export const SpecJson = z.discriminatedUnion('kind', [ModelSpecJson, GraphSpecJson]);

export type GraphSpec = z.infer<typeof GraphSpecJson>;
export type ModelSpec = z.infer<typeof ModelSpecJson>;
export type NodeSpecJsonValue = z.infer<typeof NodeSpecJson>;
export type Spec = GraphSpec | ModelSpec;

/** The JSON Schema of the spec format, as published in docs/spec.schema.json. */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SpecJson, {
    target: 'draft-2020-12',
    override: (ctx) => {
      if (ctx.zodSchema === DimJson) {
        const description = ctx.jsonSchema.description;
        for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[k];
        Object.assign(ctx.jsonSchema, {
          description,
          anyOf: [
            { type: 'integer', minimum: 1, maximum: EXPR_LIMITS.maxAbsConstant },
            { type: 'string', minLength: 1, maxLength: EXPR_LIMITS.maxLength },
          ],
        });
      }
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://coordattn.dev/schemas/spec.schema.json',
    title: `coordattn spec, version ${SPEC_VERSION}`,
    description:
      'A model spec (a backbone with options) or a graph spec (primitive ops). Generated from ' +
      'packages/ir/src/spec/schema.ts by tools/gen-schemas.ts; do not edit.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
