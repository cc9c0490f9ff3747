/**
 * JSON Schemas of the JSON the CLI writes beside the report (docs/report.schema.json, from
 * @coordattn/cost), bench (docs/bench.schema.json, ./bench.ts) and verify
 * (docs/verify.schema.json, ./verify-schema.ts):
 *
 * - `coordattn compare --format json` — cost's `Comparison` (docs/compare.schema.json);
 * - `coordattn report --symbolic --format json` on a model with free symbols — the formulas
 *   alone (docs/formulas.schema.json);
 * - `coordattn compile`'s program.json — codegen's `ProgramData`, version 2
 *   (docs/program.schema.json);
 * - the weights manifest (`compile`'s weights.json, `--weights` files) — the reference package's
 *   own schema (docs/weights.schema.json).
 *
 * Each zod schema mirrors a TypeScript type of another package; a compile-time check below fails
 * when the two drift apart. tools/gen-schemas.ts writes the files; `--check` fails on stale ones.
 */
import { z } from 'zod';
import type { ProgramData } from '@coordattn/codegen';
import {
  COLUMN_NAMES,
  PRESET_NAMES,
  type Comparison,
  type FormulaText,
  type ModelInfo,
} from '@coordattn/cost';
import { WEIGHTS_FORMAT, WEIGHTS_VERSION, WeightsManifestSchema } from '@coordattn/reference';

const ID = 'https://coordattn.dev/schemas';

/** `T` without readonly modifiers, deeply (arrays and tuples stay arrays and tuples). */
type Plain<T> = T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;
/** `Plain<T>` with every property required, so that a missing optional property is seen. */
type Full<T> = T extends object ? { -readonly [K in keyof T]-?: Full<T[K]> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** true when A and B have the same properties, optionality and types, up to readonly modifiers. */
type SameShape<A, B> = Same<Plain<A>, Plain<B>> extends true ? Same<Full<A>, Full<B>> : false;

const int = z.number().int();

// ---- compare --------------------------------------------------------------------------------------

export const CompareJsonSchema = z
  .object({
    paper: int.describe("the `paper` preset's total (conv + linear MACs)"),
    presets: z.array(
      z
        .object({
          name: z.enum(PRESET_NAMES),
          description: z.string().describe('which paper or tool (and version) the preset reproduces'),
          unit: z.enum(['MACs', 'FLOPs']),
          scale: z.enum(['decimal', 'binary']).describe('decimal: M = 10^6; binary: M = 2^20'),
          definition: z.string().describe('what the headline total means'),
          value: int.describe("the preset's total, exact"),
          display: z.string().describe('the total as the preset prints it (e.g. 306.67 M)'),
          deltaFromPaper: int.describe('value − paper'),
          explanation: z
            .array(
              z
                .object({
                  op: z.string().describe('the IR op'),
                  torchType: z.string().describe('the PyTorch module or function the layers are'),
                  column: z.enum([...COLUMN_NAMES, 'other']).describe('the cost column of the difference'),
                  rule: z.string().describe("the preset's rule for these layers"),
                  delta: int.describe('preset − paper over these layers'),
                  layers: int.min(1).describe('how many layers'),
                })
                .strict(),
            )
            .describe('the differences that add up to deltaFromPaper, largest first'),
          notes: z
            .array(z.string())
            .describe("what the tool also reports on this graph (fvcore's skipped ops)"),
        })
        .strict(),
    ),
  })
  .strict();

const _compareMatches: SameShape<z.infer<typeof CompareJsonSchema>, Comparison> = true;

// ---- report --symbolic (formulas only) -----------------------------------------------------------

const FormulaJson = z
  .object({
    text: z.string().describe('the formula as text mathjs parses'),
    latex: z.string().describe('the formula as LaTeX'),
  })
  .strict();
const _formulaMatches: SameShape<z.infer<typeof FormulaJson>, FormulaText> = true;

const ModelInfoJson = z
  .object({
    name: z.string().optional(),
    backbone: z.string().optional(),
    attention: z.string().optional(),
    placement: z.string().optional(),
    recipe: z.string().optional(),
    width: z.number().positive().optional(),
    classes: int.min(1).nullable().optional(),
  })
  .strict()
  .describe('what the model is (the options it was built with)');
const _modelInfoMatches: SameShape<z.infer<typeof ModelInfoJson>, ModelInfo> = true;

export const FormulasJsonSchema = z
  .object({
    model: ModelInfoJson,
    preset: z.enum(PRESET_NAMES),
    symbols: z.array(z.string()).describe('the free symbols of the formulas'),
    params: FormulaJson,
    macs: FormulaJson,
  })
  .strict();

// ---- compile's program.json ---------------------------------------------------------------------

const shape = z.array(int.nonnegative());

export const ProgramJsonSchema = z
  .object({
    format: z.literal('coordattn-program'),
    version: z.literal(2),
    inputs: z.array(z.object({ name: z.string().min(1), shape }).strict()).describe('the graph inputs'),
    outputs: z
      .array(
        z
          .object({
            ref: z.string().min(1).describe('the graph output (a value reference)'),
            value: z.string().min(1).describe('the value id of the kernel that writes it'),
            shape,
          })
          .strict(),
      )
      .describe('the graph outputs'),
    kernels: z
      .array(
        z
          .object({
            name: z
              .string()
              .regex(/^[A-Za-z_$][\w$]*$/)
              .describe('a JavaScript identifier, the function name'),
            value: z.string().min(1).describe('the value id the kernel produces'),
            cacheKey: z.string().describe('equal keys give equal sources up to the name'),
            template: z.string().min(1),
            nodes: z.array(z.string()).describe('the IR node paths the kernel computes'),
            passes: z.array(z.string()).describe('the lowering passes that shaped it'),
            shape: shape.describe('the logical output shape (NCHW, [N, F], ...)'),
            output: z
              .tuple([int.min(1), int.min(1), int.min(1)])
              .describe('the gpu.js output size [x, y, z]'),
            layout: z
              .literal('nhwc')
              .optional()
              .describe(
                'set when the kernel writes its value channel-minor ([N, H, W, C] bytes; read inside the program only)',
              ),
            constants: z.record(z.string(), z.number()),
            weights: z
              .array(
                z
                  .object({
                    name: z.string().min(1).describe("the key in the kernel's constants"),
                    ref: z.string().min(1).describe('the parameter id in the weights file'),
                    length: int.nonnegative(),
                  })
                  .strict(),
              )
              .describe('weight tensors bound as constant arrays, flat row-major'),
            args: z
              .array(
                z
                  .object({
                    name: z.string().min(1).describe('the parameter name in the source'),
                    ref: z.string().min(1).describe('the value id passed'),
                    dims: z.array(int.min(1)).min(1).max(3).describe('the gpu.js input size'),
                    layout: z
                      .literal('nhwc')
                      .optional()
                      .describe('set when the value is stored channel-minor: bytes in [N, H, W, C] order'),
                  })
                  .strict(),
              )
              .describe('the value arguments, in call order'),
            partial: z
              .boolean()
              .optional()
              .describe(
                'set on the leading kernels of a chained sum: the kernel writes `value#k`, a partial sum',
              ),
            source: z.string().describe('`function name(args) { ... }`, the gpu.js kernel function'),
            reduction: int.nonnegative().describe('the longest sum one output element accumulates (terms)'),
          })
          .strict(),
      )
      .describe('the kernels in execution order'),
    passes: z.array(z.string()).describe('the lowering passes that ran'),
  })
  .strict();

const _programMatches: SameShape<z.infer<typeof ProgramJsonSchema>, ProgramData> = true;

// ---- JSON Schemas --------------------------------------------------------------------------------

const GENERATED = 'Generated by tools/gen-schemas.ts; do not edit.';

function jsonSchema(
  schema: z.ZodType,
  name: string,
  title: string,
  description: string,
  source: string,
): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>),
    $id: `${ID}/${name}.schema.json`,
    title,
    description: `${description} Source: ${source}. ${GENERATED}`,
  };
}

/** The JSON Schemas this module defines, by docs/ file name. */
export function cliJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    'compare.schema.json': jsonSchema(
      CompareJsonSchema,
      'compare',
      'coordattn compare result',
      'What `coordattn compare <model> --format json` prints: the model under every counting preset, ' +
        'and the per-op differences that explain each preset’s distance from `paper`.',
      'packages/cli/src/schemas.ts (CompareJsonSchema, mirroring Comparison of @coordattn/cost)',
    ),
    'formulas.schema.json': jsonSchema(
      FormulasJsonSchema,
      'formulas',
      'coordattn symbolic formulas',
      'What `coordattn report <model> --symbolic --format json` prints when the model has free symbols ' +
        '(no concrete numbers): params and MACs as formulas in those symbols.',
      'packages/cli/src/schemas.ts (FormulasJsonSchema)',
    ),
    'program.schema.json': jsonSchema(
      ProgramJsonSchema,
      'program',
      'coordattn compiled program, version 2',
      'The program.json that `coordattn compile` writes: the kernels of a compiled model as plain data ' +
        '(gpu.js kernel sources, sizes, constants, arguments) in execution order.',
      'packages/cli/src/schemas.ts (ProgramJsonSchema, mirroring ProgramData of @coordattn/codegen)',
    ),
    'weights.schema.json': jsonSchema(
      WeightsManifestSchema,
      'weights',
      `coordattn weights manifest, version ${WEIGHTS_VERSION}`,
      `The JSON manifest of a weights file ("format": "${WEIGHTS_FORMAT}"), as \`coordattn compile\` ` +
        'writes it and `--weights` reads it: tensor names, shapes and the float32 shards that hold them ' +
        "(TensorFlow.js's model.json layout).",
      'WeightsManifestSchema in packages/reference/src/weights.ts',
    ),
  };
}
