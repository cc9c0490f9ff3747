/**
 * The JSON that `coordattn verify --format json` prints (docs/verify.schema.json, generated from
 * this schema by tools/gen-schemas.ts): one entry per mode and run, each with its per-kernel
 * checks against the float64 reference and the end-to-end check of the graph outputs.
 */
import { z } from 'zod';
import { CLI_MODES } from './kernels.js';

/**
 * A non-negative error, or null where it is not a finite number: JSON has no Infinity or NaN
 * (`JSON.stringify` writes null), and a relative error is Infinity when the reference is all zeros
 * but the kernel's output is not.
 */
const ErrorValue = z.number().nonnegative().nullable();

export const VerifyKernelJsonSchema = z
  .object({
    kernel: z.string().min(1).describe('the kernel name (a JavaScript identifier, unique in the program)'),
    template: z.string().min(1).describe('the kernel template (conv2d, multi_reduce, elementwise, ...)'),
    nodes: z.array(z.string().min(1)).describe('the IR node paths the kernel computes'),
    backend: z
      .string()
      .min(1)
      .describe('the gpu.js kernel class that ran it (CPUKernel, WebAssemblyKernel, ...)'),
    reduction: z
      .number()
      .int()
      .nonnegative()
      .describe('the longest sum one output element accumulates (terms)'),
    rtol: z.number().positive().describe('the relative tolerance applied (grows with the reduction length)'),
    maxAbsError: ErrorValue.describe('max |y - ref| over the kernel output'),
    maxRelError: ErrorValue.describe('max |y - ref| / max |ref|; null when not finite'),
    failures: z.number().int().nonnegative().describe('elements outside |y - ref| <= atol + rtol·|ref|'),
    pass: z.boolean(),
  })
  .strict();

export const VerifyOutputJsonSchema = z
  .object({
    ref: z.string().min(1).describe('the graph output (a value reference)'),
    maxAbsError: ErrorValue.describe('max |y - ref| of the whole compiled plan against the reference'),
    maxRelError: ErrorValue.describe('max |y - ref| / max |ref|; null when not finite'),
    pass: z.boolean(),
  })
  .strict();

export const VerifyRunJsonSchema = z
  .object({
    // Lazy: kernels.ts may import this module, and CLI_MODES must not be read before it is defined.
    mode: z.lazy(() => z.enum(CLI_MODES)).describe('the mode the kernels ran on'),
    pass: z.boolean().describe('every kernel and every output within tolerance'),
    kernels: z.array(VerifyKernelJsonSchema).describe('one check per kernel, in execution order'),
    outputs: z
      .array(VerifyOutputJsonSchema)
      .describe('the end-to-end check of each graph output (empty when only kernels were checked)'),
  })
  .strict();

/** `verify --format json`: one entry per mode and run (`--modes a,b --runs n`: modes × runs). */
export const VerifyJsonSchema = z.array(VerifyRunJsonSchema);

export type VerifyJson = z.infer<typeof VerifyJsonSchema>;

/** The JSON Schema of `verify --format json` (docs/verify.schema.json). */
export function verifyJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(VerifyJsonSchema, { target: 'draft-2020-12' }) as Record<string, unknown>),
    $id: 'https://coordattn.dev/schemas/verify.schema.json',
    title: 'coordattn verify result',
    description:
      'What `coordattn verify --format json` prints: per mode and run, every compiled kernel and the ' +
      'graph outputs compared with the float64 reference interpreter. Generated from ' +
      'packages/cli/src/verify-schema.ts by tools/gen-schemas.ts; do not edit.',
  };
}
