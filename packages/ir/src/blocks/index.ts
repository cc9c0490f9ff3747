import type { GraphBuilder, Value } from '../graph/index.js';
import { cbam, CBAM_CONFIG, type CBAMInput } from './cbam.js';
import { coordinateAttention, CA_CONFIG, type CoordAttInput } from './coordinate-attention.js';
import { eca, ECA_CONFIG, type ECAInput } from './eca.js';
import { squeezeExcitation, SE_CONFIG, type SEInput } from './squeeze-excitation.js';
import { tripletAttention, TRIPLET_CONFIG, type TripletInput } from './triplet.js';

export {
  caMid,
  CA_CONFIG,
  coordinateAttention,
  type CoordAttConfig,
  type CoordAttInput,
} from './coordinate-attention.js';
export {
  seSqueeze,
  SE_CONFIG,
  squeezeExcitation,
  type SEConfig,
  type SEInput,
} from './squeeze-excitation.js';
export { eca, ecaAdaptiveK, ecaKernel, ECA_CONFIG, type ECAConfig, type ECAInput } from './eca.js';
export { cbam, CBAM_CONFIG, type CBAMInput } from './cbam.js';
export { tripletAttention, TRIPLET_CONFIG, type TripletInput } from './triplet.js';
export { channels, type AttentionFn } from './common.js';

/** The attention kinds, by CLI name. `none` is the identity. */
export const ATTENTION_KINDS = ['none', 'se', 'cbam', 'eca', 'ca', 'triplet'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export type AttentionSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'ca'; readonly config?: CoordAttInput }
  | { readonly kind: 'se'; readonly config?: SEInput }
  | { readonly kind: 'eca'; readonly config?: ECAInput }
  | { readonly kind: 'cbam'; readonly config?: CBAMInput }
  | { readonly kind: 'triplet'; readonly config?: TripletInput };

export const ATTENTION_SCHEMAS = {
  ca: CA_CONFIG,
  se: SE_CONFIG,
  eca: ECA_CONFIG,
  cbam: CBAM_CONFIG,
  triplet: TRIPLET_CONFIG,
} as const;

/** Block kind recorded in the graph for each attention kind. */
export const ATTENTION_BLOCK_NAMES: Record<Exclude<AttentionKind, 'none'>, string> = {
  ca: 'coordinate-attention',
  se: 'squeeze-excitation',
  eca: 'eca',
  cbam: 'cbam',
  triplet: 'triplet-attention',
};

/** Emits one attention block of the given spec as a named block scope. */
export function attention(b: GraphBuilder, x: Value, spec: AttentionSpec, name = 'attention'): Value {
  if (spec.kind === 'none') return x;
  const config = (spec.config ?? {}) as Record<string, unknown>;
  return b.block(ATTENTION_BLOCK_NAMES[spec.kind], name, { kind: spec.kind, ...config }, () => {
    const where = b.path;
    switch (spec.kind) {
      case 'ca':
        return coordinateAttention(b, x, spec.config, where);
      case 'se':
        return squeezeExcitation(b, x, spec.config, where);
      case 'eca':
        return eca(b, x, spec.config, where);
      case 'cbam':
        return cbam(b, x, spec.config, where);
      case 'triplet':
        return tripletAttention(b, x, spec.config, where);
    }
  });
}
