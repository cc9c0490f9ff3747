import { Dim } from '../dim/index.js';
import type { OpAttrsInput, OpName } from '../ops/index.js';
import { Graph, type Node } from './graph.js';
import type { Provenance, Shape, ValueRef } from './types.js';

/** A value flowing through the builder: a reference plus its (already checked) shape. */
export interface Value {
  readonly ref: ValueRef;
  readonly shape: Shape;
}

export interface OpOptions {
  /** Local name under the current scope; defaults to the op name. */
  readonly name?: string;
  readonly provenance?: Partial<Provenance>;
  /** Reuse the weights of this earlier node (full path). */
  readonly shareWeightsWith?: string;
}

/**
 * Fluent TypeScript builder. Blocks and backbones are functions that call it under named scopes:
 * `b.scope('features.3', () => ...)`. A name used twice in one scope becomes `name@1`, `name@2`:
 * the same module object called again (torchvision ResNet's shared `relu`).
 */
export class GraphBuilder {
  readonly graph = new Graph();
  private readonly scopes: string[] = [];
  private readonly blockStack: string[] = [];

  input(name: string, shape: readonly (Dim | number)[]): Value {
    const s = shape.map(Dim.from);
    this.graph.addInput(name, s);
    return { ref: name, shape: s };
  }

  /** Runs fn with `name` appended to the scope (dot-separated names allowed). */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** A composite block instance: a scope that is also recorded for per-block reports. */
  block<T>(kind: string, name: string, config: Readonly<Record<string, unknown>>, fn: () => T): T {
    return this.scope(name, () => {
      const path = this.scopes.join('.');
      this.graph.blocks.push({ path, kind, config });
      this.blockStack.push(path);
      try {
        return fn();
      } finally {
        this.blockStack.pop();
      }
    });
  }

  /** The current scope path (`features.3.conv`). */
  get path(): string {
    return this.scopes.join('.');
  }

  fullName(name: string): string {
    return [...this.scopes, name].join('.');
  }

  private uniquePath(base: string): string {
    if (!this.graph.has(base)) return base;
    for (let k = 1; ; k++) if (!this.graph.has(`${base}@${k}`)) return `${base}@${k}`;
  }

  private emit<K extends OpName>(
    op: K,
    inputs: Value | readonly Value[],
    attrs: OpAttrsInput<K>,
    opts: OpOptions,
  ): Node {
    const ins = Array.isArray(inputs) ? (inputs as readonly Value[]) : [inputs as Value];
    const base = this.fullName(opts.name ?? op);
    const path = this.uniquePath(base);
    const repeated = path !== base;
    return this.graph.addNode({
      path,
      op,
      inputs: ins.map((v) => v.ref),
      attrs,
      provenance: { module: base, object: base, ...opts.provenance },
      shareWeightsWith:
        opts.shareWeightsWith ?? (repeated && this.graph.node(base).op === op ? base : undefined),
      block: this.blockStack[this.blockStack.length - 1],
    });
  }

  /** Adds one node and returns its (first) output. */
  op<K extends OpName>(
    op: K,
    inputs: Value | readonly Value[],
    attrs: OpAttrsInput<K>,
    opts: OpOptions = {},
  ): Value {
    const n = this.emit(op, inputs, attrs, opts);
    return { ref: n.path, shape: n.outputs[0] };
  }

  /** Adds one node and returns all its outputs (split). */
  opMulti<K extends OpName>(
    op: K,
    inputs: Value | readonly Value[],
    attrs: OpAttrsInput<K>,
    opts: OpOptions = {},
  ): Value[] {
    const n = this.emit(op, inputs, attrs, opts);
    return n.outputs.map((shape, i) => ({ ref: i === 0 ? n.path : `${n.path}:${i}`, shape }));
  }

  output(v: Value): void {
    this.graph.addOutput(v.ref);
  }

  build(): Graph {
    return this.graph;
  }
}
