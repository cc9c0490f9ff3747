import {
  ATTENTION_BLOCK_KINDS,
  BACKBONE_NAMES,
  PLACEMENT_NAMES,
  PLACEMENT_TABLE,
  type EcaKernelRule,
} from '@coordattn/ir';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The placement table (docs/ir.md and `coordattn list placements`), generated from the IR's data. */
export function placementTableMarkdown(): string {
  const out: string[] = [];
  out.push('| backbone | placement | where | blocks | scope |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const b of BACKBONE_NAMES) {
    const row = PLACEMENT_TABLE[b];
    for (const p of PLACEMENT_NAMES) {
      const info = row.placements[p];
      if (!info) continue;
      out.push(`| ${b} | ${p} | ${cell(info.where)} | ${info.blocks} | \`${cell(info.scope)}\` |`);
    }
  }
  out.push('');
  out.push('Defaults per attention kind (without `--recipe`):');
  out.push('');
  out.push(`| backbone | ${ATTENTION_BLOCK_KINDS.join(' | ')} |`);
  out.push(`| --- | ${ATTENTION_BLOCK_KINDS.map(() => '---').join(' | ')} |`);
  for (const b of BACKBONE_NAMES) {
    const d = PLACEMENT_TABLE[b].defaults;
    const cells = ATTENTION_BLOCK_KINDS.map((k) => {
      const kd = d[k];
      const cfg = Object.entries(kd.config)
        .map(([key, v]) => `${key}=${String(v)}`)
        .join(', ');
      const eca = kd.ecaKernel ? ` k: ${describeK(kd.ecaKernel)}` : '';
      return cell(`${kd.placement}${cfg ? ` (${cfg})` : ''}${eca}`);
    });
    out.push(`| ${b} | ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

function describeK(r: EcaKernelRule): string {
  switch (r.rule) {
    case 'adaptive':
      return 'adaptive';
    case 'fixed':
      return String(r.k);
    case 'per-stage':
      return r.k.join(',');
    case 'channel-threshold':
      return `${r.below} if C < ${r.threshold} else ${r.atOrAbove}`;
  }
}
