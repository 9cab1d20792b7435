/**
 * Renders the graph model reference (mermaid diagram and tables of node kinds,
 * edge kinds and occurrence properties) from schema.ts, so docs/graph-model.md
 * cannot drift from the vocabulary. scripts/gen-graph-model.ts writes it; a test
 * checks the committed doc matches.
 */
import { IdgraphError } from '../errors.js';
import { EDGE_KINDS, EDGE_SETS, NODE_KINDS, OCCURRENCE_BUILTINS, type PropSpec } from './schema.js';

/** Markers delimiting the generated part of docs/graph-model.md. */
export const GENERATED_BEGIN = '<!-- BEGIN GENERATED from src/graph/schema.ts by scripts/gen-graph-model.ts; do not edit -->';
export const GENERATED_END = '<!-- END GENERATED -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The generated markdown (without markers). */
export function renderGraphModel(): string {
  const out: string[] = [];
  out.push('```mermaid', 'flowchart LR');
  for (const k of Object.keys(NODE_KINDS)) out.push(`  ${k}([${k}])`);
  for (const [kind, spec] of Object.entries(EDGE_KINDS))
    for (const f of spec.from) for (const t of spec.to) out.push(`  ${f} -->|${kind}| ${t}`);
  out.push('```', '');

  out.push('## Node kinds', '', '| Kind | Key rule | Properties |', '| --- | --- | --- |');
  for (const [k, spec] of Object.entries(NODE_KINDS)) {
    const props = Object.entries(spec.props).map(([p, t]) => `\`${p}\` (${t})`);
    out.push(`| ${k} | ${cell(spec.description)} | ${props.length ? props.join(', ') : '—'} |`);
  }
  out.push('');

  out.push('## Edge kinds', '', '| Edge kind | From → To | Source tables | Meaning |', '| --- | --- | --- | --- |');
  for (const [k, spec] of Object.entries(EDGE_KINDS))
    out.push(`| [${k}](#${k.toLowerCase()}) | ${spec.from.join(', ')} → ${spec.to.join(', ')} | ${spec.sources.join(', ')} | ${cell(spec.description)} |`);
  out.push('');

  out.push('Every occurrence also has:', '', '| Property | Type | Source |', '| --- | --- | --- |');
  for (const [p, spec] of Object.entries(OCCURRENCE_BUILTINS)) out.push(`| \`${p}\` | ${spec.type} | ${cell(spec.doc)} |`);
  out.push('');

  out.push('## Occurrence properties per edge kind', '');
  for (const [k, spec] of Object.entries(EDGE_KINDS)) {
    out.push(`### ${k}`, '', `${spec.from.join(' / ')} → ${spec.to.join(' / ')}, from ${spec.sources.join(', ')}. ${spec.description}`, '');
    out.push('| Property | Type | Names a node | Source table / field |', '| --- | --- | --- | --- |');
    for (const [p, ps] of Object.entries(spec.props as Record<string, PropSpec>))
      out.push(`| \`${p}\` | ${ps.type} | ${ps.ref ?? ''} | ${cell(ps.doc)} |`);
    out.push('');
  }

  out.push('## Edge sets', '', 'Named edge sets that patterns and chain rules use instead of retyping kind lists.', '');
  out.push('| Set | Edge kinds |', '| --- | --- |');
  for (const [name, kinds] of Object.entries(EDGE_SETS)) out.push(`| \`${name}\` | ${kinds.join(', ')} |`);
  return out.join('\n');
}

/** Replace the generated part of a document (between the markers) with a fresh rendering. */
export function spliceGraphModel(doc: string): string {
  const b = doc.indexOf(GENERATED_BEGIN);
  const e = doc.indexOf(GENERATED_END);
  if (b < 0 || e < b) throw new IdgraphError('BAD_INPUT', 'graph-model doc: the generated-section markers are missing');
  return `${doc.slice(0, b + GENERATED_BEGIN.length)}\n${renderGraphModel()}\n${doc.slice(e)}`;
}
