import type { Dim } from '../dim/index.js';
import type { AttentionKind, AttentionSpec } from '../blocks/index.js';

export const BACKBONE_NAMES = [
  'mobilenetv2',
  'mobilenext',
  'efficientnet-b0',
  'resnet18',
  'resnet34',
  'resnet50',
  'resnet101',
  'resnet152',
  'mobilenetv3-large',
  'mobilenetv3-small',
] as const;
export type BackboneName = (typeof BACKBONE_NAMES)[number];

/** Where attention blocks go in a backbone (see the placement table in docs/ir.md). */
export const PLACEMENT_NAMES = ['ca-paper', 'eca-paper', 'builtin-se', 'block-output'] as const;
export type PlacementName = (typeof PLACEMENT_NAMES)[number];

export const RECIPE_NAMES = ['ca-paper', 'eca-paper', 'torchvision'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

/** Model options shared by the builder API, the JSON spec and the CLI. */
export interface BackboneOptions {
  /** Width multiplier (> 0), default 1.0. */
  readonly width?: number;
  /** Input height and width in pixels: numbers or symbolic dims (default 224 each; H ≠ W allowed). */
  readonly height?: Dim | number;
  readonly widthPx?: Dim | number;
  readonly batch?: Dim | number;
  /** Default 1000. */
  readonly classes?: number;
  /** Attention kind and per-kind config overrides; default none. */
  readonly attention?: AttentionSpec;
  /** Default: from the backbone's placement table for the attention kind (or the recipe's). */
  readonly placement?: PlacementName;
  /** 1-based stages that receive attention; default all. */
  readonly stages?: readonly number[];
  readonly ecaK?: 'adaptive' | readonly number[];
  /** A paper's exact configuration: placement + per-kind parameters (+ a cost preset, used by @coordattn/cost). */
  readonly recipe?: RecipeName;
}

export type { AttentionKind };
