import type { CmpOp, Dim } from '../dim/index.js';

/** A tensor shape: NCHW for 4-D feature maps, [N, F] for linear layers. */
export type Shape = readonly Dim[];

export type WeightRole = 'weight' | 'bias' | 'gamma' | 'beta' | 'running_mean' | 'running_var';

export interface WeightSpec {
  /** Local name under the owning module: `weight`, `bias`, `running_mean`, ... */
  readonly name: string;
  readonly shape: Shape;
  readonly role: WeightRole;
  /** Trainable parameter (false for BN running statistics, which are buffers). */
  readonly trainable: boolean;
}

/** Traits let passes and analyses ask what an op *is* instead of listing op names. */
export type Trait =
  | 'contraction' // conv / linear: multiply-accumulates over weights
  | 'elementwise' // one output element from the same-index input elements
  | 'activation' // a unary elementwise nonlinearity
  | 'normalization' // batch-norm
  | 'reduce' // reduces one or more axes
  | 'pool' // windowed or global pooling
  | 'movement' // concat / split / permute / reshape: moves data, no arithmetic
  | 'broadcast' // binary op with numpy broadcasting
  | 'identity' // no effect at inference (dropout, identity)
  | 'resample' // interpolation: each output a weighted sum of nearby inputs (resize)
  | 'multi-output';

/** Where a node comes from in the reference PyTorch code. Tracer-based counters count by these. */
export interface Provenance {
  /** Module path in the reference model's module tree (`layer1.0.relu`). */
  readonly module: string;
  /** How it was invoked: `module(x)`, `F.op(x)` or a tensor operator / method (`x * y`, `.sigmoid()`). */
  readonly call: 'module' | 'functional' | 'tensor';
  /** PyTorch class (`Conv2d`, `ReLU6`, `AdaptiveAvgPool2d`) or function name (`cat`, `sigmoid`). */
  readonly torchType: string;
  /** Identity of the module object; several calls of one object share it (ResNet's `relu`). */
  readonly object: string;
  /**
   * The in-place variant: a module built with `inplace=True` (`nn.ReLU6(inplace=True)`), `out +=
   * identity`, `x.relu_()`. Tracers name it apart (`aten::hardtanh_`, `aten::add_`); absent = false.
   */
  readonly inplace?: boolean;
  /**
   * Other PyTorch calls of the source that the node absorbs because they have no IR op (views
   * such as ECA's `y.expand_as(x)` before `x * y`), in call order, as tensor-method / function
   * names. Tracer-based counters list them (fvcore's skipped `aten::expand_as`).
   */
  readonly folded?: readonly string[];
}

/** A reference to a node output: `path` (output 0) or `path:k`. */
export type ValueRef = string;

export interface Assumption {
  readonly path: string;
  readonly relation: string;
  readonly shapes?: readonly string[];
  /**
   * The undecided relation itself, so that it can be checked at concrete symbol values (a sweep
   * evaluating a symbolic graph point by point): `lhs op rhs`, or `lhs` divisible by `rhs`.
   */
  readonly check?: AssumptionCheck;
}

/** An undecided relation between two Dims (see `Assumption.check`). */
export type AssumptionCheck =
  | { readonly op: CmpOp; readonly lhs: Dim; readonly rhs: Dim }
  | { readonly op: 'divisible'; readonly lhs: Dim; readonly rhs: Dim };
