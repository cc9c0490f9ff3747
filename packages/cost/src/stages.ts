/**
 * Which stage each node belongs to, for per-stage groups and charts. For a backbone graph
 * (`graph.meta.backbone`), the stages are those of the IR's placement table (`features.4-6`,
 * `layer2`), named `stage1`, `stage2`, ...; nodes before the first stage are `stem`, nodes after
 * the last `head`. Other graphs: `layerK` / `stageK` scopes name their stage, anything else its
 * first path segment.
 */
import { PLACEMENT_TABLE, type Graph } from '@coordattn/ir';

interface StageRange {
  readonly name: string;
  /** Module path prefix (`features`, `layer2`). */
  readonly prefix: string;
  /** Index range under the prefix, inclusive (`features.4-6`); undefined: the whole prefix. */
  readonly from?: number;
  readonly to?: number;
}

function parseModules(name: string, modules: string): StageRange {
  const m = /^(.*)\.(\d+)(?:-(\d+))?$/.exec(modules);
  if (!m) return { name, prefix: modules };
  return { name, prefix: m[1], from: Number(m[2]), to: Number(m[3] ?? m[2]) };
}

function declaredStages(graph: Graph): StageRange[] {
  const backbone = graph.meta.backbone;
  if (typeof backbone !== 'string' || !Object.prototype.hasOwnProperty.call(PLACEMENT_TABLE, backbone))
    return [];
  const row = PLACEMENT_TABLE[backbone as keyof typeof PLACEMENT_TABLE];
  return row.stages.map((s) => parseModules(`stage${s.index}`, s.modules));
}

function inRange(path: string, r: StageRange): boolean {
  if (r.from === undefined) return path === r.prefix || path.startsWith(`${r.prefix}.`);
  if (!path.startsWith(`${r.prefix}.`)) return false;
  const idx = Number(path.slice(r.prefix.length + 1).split('.')[0]);
  return Number.isInteger(idx) && idx >= r.from && idx <= (r.to ?? r.from);
}

function fallback(path: string): string {
  const parts = path.split('.');
  if (/^(layer|stage)\d+$/.test(parts[0])) return parts[0];
  if (parts[0] === 'stages' && parts.length > 1) return `stages.${parts[1]}`;
  return parts[0];
}

/** The stage of every node of the graph, in node order. */
export function layerStages(graph: Graph): string[] {
  const stages = declaredStages(graph);
  if (stages.length === 0) return graph.nodes.map((n) => fallback(n.path.replace(/@\d+$/, '')));
  let seen = false;
  return graph.nodes.map((n) => {
    const path = n.path.replace(/@\d+$/, '');
    const s = stages.find((r) => inRange(path, r));
    if (s) {
      seen = true;
      return s.name;
    }
    return seen ? 'head' : 'stem';
  });
}
