/**
 * The runner page's rows, in order (shared by the page and its tests, which must not load the
 * page's script): our backends, then onnxruntime-web's execution providers.
 */
import type { AnyMode } from '@coordattn/codegen/core';

/** The backends our kernels run on in the page (`tr[data-backend]`). */
export const PAGE_BACKENDS = ['webgl2', 'webgpu', 'webasm', 'cpu'] as const satisfies readonly AnyMode[];
export type PageBackend = (typeof PAGE_BACKENDS)[number];

/** The peers (`tr[data-peer]`): onnxruntime-web's wasm and webgpu execution providers. */
export const PEERS = ['ort-wasm', 'ort-webgpu'] as const;
export type Peer = (typeof PEERS)[number];
