/**
 * Errors are part of the API: every user-facing failure is a CoordattnError with a stable code,
 * the place it happened (node path, file, JSON field), the relation that failed and, for shape
 * errors, the shapes involved. Tests assert on `code` and on the message.
 */
export const ERROR_CODES = {
  /** Text that is not valid JSON, or JSON of the wrong overall form. */
  E_JSON: 'malformed JSON',
  /** A field is missing, unknown or of the wrong type in a spec. */
  E_SPEC: 'invalid spec',
  /** An unsupported spec version. */
  E_SPEC_VERSION: 'unsupported spec version',
  /** An op name that is not in the registry. */
  E_UNKNOWN_OP: 'unknown op',
  /** An attribute that is missing, unknown, of the wrong type or out of range. */
  E_ATTR: 'invalid attribute',
  /** A dimension expression that is malformed, unsafe or uses something not allowed. */
  E_EXPR: 'invalid dimension expression',
  /** A dimension that is provably zero or negative. */
  E_DIM: 'invalid dimension',
  /** Shapes that provably violate an op's relation (concat/add/mul/conv...). */
  E_SHAPE: 'shape mismatch',
  /** Wrong number of inputs, unknown input reference, duplicate node path, cycles. */
  E_GRAPH: 'invalid graph',
  /** A model option that is out of range: width, reduction, resolution, classes, placement... */
  E_OPTION: 'invalid option',
  /** An unknown backbone, attention kind, preset, recipe, placement or format. */
  E_UNKNOWN_NAME: 'unknown name',
  /** An op with no rule in an analysis (never silently zero). */
  E_NO_RULE: 'no rule for op',
  /** A value that cannot be computed: unbound symbol, non-integer count, overflow. */
  E_EVAL: 'evaluation error',
  /** File I/O failures on user-named files. */
  E_IO: 'file error',
  /** A kernel that cannot be generated or run correctly (index range, texture limit, loop bound). */
  E_KERNEL: 'kernel error',
  /** A requested execution backend that is unavailable or fell back to another. */
  E_BACKEND: 'backend unavailable',
  /** A file that is not a well-formed ONNX model: bad protobuf, bad lengths, cycles, dangling names. */
  E_ONNX: 'malformed ONNX model',
  /** A well-formed ONNX model using an op, attribute value or dtype that coordattn does not support. */
  E_UNSUPPORTED: 'unsupported ONNX construct',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetails {
  /** Where: a node path (`features.3.conv.1.attention.conv1`), a JSON pointer or a file name. */
  readonly path?: string;
  /** The relation that failed, e.g. `dims 2 of inputs 0 and 1 are equal`. */
  readonly relation?: string;
  /** The shapes involved, printed. */
  readonly shapes?: readonly string[];
  /** What was expected instead. */
  readonly expected?: string;
}

export class CoordattnError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(formatMessage(code, message, details));
    this.name = 'CoordattnError';
    this.code = code;
    this.details = details;
  }
}

function formatMessage(code: ErrorCode, message: string, d: ErrorDetails): string {
  const where = d.path ? ` at ${d.path}` : '';
  let text = `${code}${where}: ${message}`;
  if (d.shapes && d.shapes.length > 0) text += `: ${d.shapes.join(' vs ')}`;
  if (d.expected) text += ` (expected ${d.expected})`;
  return text;
}

export function isCoordattnError(e: unknown): e is CoordattnError {
  return e instanceof CoordattnError;
}

/** Re-throws a CoordattnError with a path prefix (outer scope first). */
export function withPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CoordattnError && !e.details.path) {
      throw new CoordattnError(e.code, stripPrefix(e), { ...e.details, path });
    }
    throw e;
  }
}

function stripPrefix(e: CoordattnError): string {
  const d = e.details;
  let m = e.message.slice(e.code.length + 2);
  if (d.expected) m = m.slice(0, m.length - ` (expected ${d.expected})`.length);
  if (d.shapes && d.shapes.length > 0) m = m.slice(0, m.length - `: ${d.shapes.join(' vs ')}`.length);
  return m;
}
