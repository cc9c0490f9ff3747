import type { Node, OpAttrs, OpName, Shape } from '@coordattn/ir';
import type { Columns } from '../columns.js';

/** What a cost rule sees of one node: the node, its input and output shapes and its validated attributes. */
export interface RuleInput<A = Readonly<Record<string, unknown>>> {
  readonly node: Node;
  readonly inputs: readonly Shape[];
  readonly outputs: readonly Shape[];
  readonly attrs: A;
}

/**
 * One cost rule per primitive op. `cost` returns the columns that are not zero; each is a symbolic
 * integer (Dim). `doc` says, in one line, what the rule counts.
 */
export interface CostRule<K extends OpName = OpName> {
  readonly op: K;
  readonly doc: string;
  cost(input: RuleInput<OpAttrs<K>>): Partial<Columns>;
}

/** Identity helper that keeps the attribute type of each rule. */
export function defineRule<K extends OpName>(rule: CostRule<K>): CostRule<K> {
  return rule;
}
