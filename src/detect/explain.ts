/**
 * A readable plan of a detector: what each clause matches, its time bounds,
 * the predicates tested on one occurrence and across clauses, negations,
 * aggregates, grouping and the output columns. `idgraph explain` prints it.
 */
import type { CompiledClause, CompiledPattern } from './compile.js';
import { formatExpr } from './expr/ast.js';

const ROLE_TITLE: Record<CompiledClause['role'], string> = {
  match: 'MATCH',
  exists: 'REQUIRE (at least one)',
  absent: 'REQUIRE NONE OF',
  aggregate: 'SUMMARISE (optional)',
};

function endpoint(e: CompiledClause['from']): string {
  return e.type === 'var' ? `(${e.var})` : `(${e.var ? `${e.var}:` : ''}${e.kind} {key: ${formatExpr(e.key)}})`;
}

function window(c: CompiledClause): string {
  const parts: string[] = [c.range === 'run' ? 'time in [$start, $end]' : 'any time'];
  if (c.window?.from) parts.push(`time ${c.window.fromInclusive ? '>=' : '>'} ${formatExpr(c.window.from)}`);
  if (c.window?.to) parts.push(`time ${c.window.toInclusive ? '<=' : '<'} ${formatExpr(c.window.to)}`);
  return parts.join(' and ');
}

function clause(c: CompiledClause): string[] {
  const lines = [`${ROLE_TITLE[c.role]} ${endpoint(c.from)}-[${c.as}:${c.edge}]->${endpoint(c.to)}`, `    when: ${window(c)}`];
  if (c.local.length) lines.push(`    where (per occurrence): ${c.local.map(formatExpr).join(' and ')}`);
  if (c.cross.length) lines.push(`    where (across clauses): ${c.cross.map(formatExpr).join(' and ')}`);
  if (c.collapse) lines.push(`    keep the earliest per: ${c.collapse.map(formatExpr).join(', ')}`);
  for (const x of c.compute) lines.push(`    ${c.as}.${x.name} = ${x.spec.fn}(${x.spec.arg ? formatExpr(x.spec.arg) : ''}${x.spec.fn === 'make_set' ? `, ${x.spec.cap}` : ''}) (null when none)`);
  return lines;
}

const fmtMs = (ms: number): string =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms}ms`;

/** Renders a compiled detector as a plan, one step per line. */
export function explainPattern(p: CompiledPattern): string {
  const d = p.definition;
  const lines: string[] = [
    `${d.id}: ${d.name}`,
    `  severity ${d.severity}; tactics ${d.tactics.join(', ')}; techniques ${d.techniques.join(', ') || '-'}; tables ${d.tables.join(', ')}`,
  ];
  const params = Object.entries(d.params);
  if (params.length) lines.push(`  parameters: ${params.map(([k, v]) => `$${k} = ${v.default}`).join(', ')}`);
  lines.push('', 'plan:');
  let n = 1;
  for (const c of [...p.match, ...p.exists, ...p.absent, ...p.aggregate]) {
    const [head, ...rest] = clause(c);
    lines.push(`  ${n++}. ${head}`, ...rest.map((r) => `  ${r}`));
  }
  for (const t of p.temporal) {
    lines.push(
      `  ${n++}. ORDER ${t.first} before ${t.then}: ${fmtMs(t.min)} <= ${t.then}.time - ${t.first}.time${t.max === undefined ? '' : ` ${t.maxInclusive ? '<=' : '<'} ${fmtMs(t.max)}`}`,
    );
  }
  if (p.where.length) lines.push(`  ${n++}. WHERE ${p.where.map(formatExpr).join(' and ')}`);
  if (p.group) {
    lines.push(`  ${n++}. GROUP BY ${p.group.by.map((c) => `${c.name} = ${formatExpr(c.expr)}`).join(', ')}`);
    for (const a of p.group.aggregate) lines.push(`       ${a.name} = ${formatExpr(a.expr)}`);
  }
  lines.push(`  ${n++}. RETURN distinct rows:`);
  for (const c of p.project) lines.push(`       ${c.name} = ${formatExpr(c.expr)}${c.isTime ? '  (time)' : ''}`);
  if (p.sort.length) lines.push(`  ${n++}. SORT BY ${p.sort.map((s) => `${s.column} ${s.order}`).join(', ')}`);
  if (p.streaming) {
    lines.push('', `streaming: each ${p.streaming.anchor} is judged with $start = ${p.streaming.start ? formatExpr(p.streaming.start) : '$start'}${p.streaming.end ? `, $end = ${formatExpr(p.streaming.end)}` : ''}`);
  }
  if (d.source) {
    lines.push('', `source hunt: ${d.source.title}${d.source.path ? ` (${d.source.path})` : ''}`);
    for (const dev of d.source.deviations) lines.push(`  departs from the KQL: ${dev}`);
  }
  return lines.join('\n');
}
