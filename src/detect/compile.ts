/**
 * Compiles a validated detector definition into the form every engine reads:
 * expressions parsed, node-variable kinds inferred from the graph schema,
 * every property checked against it, `where` split into the conjuncts one
 * clause can test alone and those that span clauses. Mistakes are errors that
 * name the detector and the construct (e.g. "pattern.match[0].where").
 */
import { IdgraphError } from '../errors.js';
import { EDGE_KINDS, edgePropSpec, nodeHasProp, OCCURRENCE_BUILTINS, type EdgeKind, type NodeKind } from '../graph/schema.js';
import { aggregateSpec, isAggregateCall, type AggregateSpec } from './aggregates.js';
import type { DetectorDefinition, EdgeClauseDefinition } from './definition.js';
import { conjuncts, exprVariables, walkExpr, type Expr, type Value } from './expr/ast.js';
import { isScalarFunction } from './expr/functions.js';
import { parseExpr } from './expr/parser.js';

export type ClauseRole = 'match' | 'exists' | 'absent' | 'aggregate';

/** One end of a compiled clause. */
export type CompiledEndpoint =
  | { readonly type: 'var'; readonly var: string }
  | { readonly type: 'key'; readonly kind: NodeKind; readonly key: Expr; readonly var: string | undefined };

export interface CompiledWindow {
  readonly from: Expr | undefined;
  readonly to: Expr | undefined;
  readonly fromInclusive: boolean;
  readonly toInclusive: boolean;
}

export interface CompiledClause {
  readonly role: ClauseRole;
  /** Where the clause sits in the file, for messages: "pattern.match[0]". */
  readonly path: string;
  readonly as: string;
  readonly edge: EdgeKind;
  readonly from: CompiledEndpoint;
  readonly to: CompiledEndpoint;
  readonly range: 'run' | 'any';
  readonly window: CompiledWindow | undefined;
  /** Conjuncts that read only this clause's occurrence and parameters. */
  readonly local: readonly Expr[];
  /** Conjuncts that also read other variables. */
  readonly cross: readonly Expr[];
  readonly collapse: readonly Expr[] | undefined;
  readonly compute: readonly { readonly name: string; readonly spec: AggregateSpec }[];
}

export interface CompiledTemporal {
  readonly first: string;
  readonly then: string;
  readonly min: number;
  readonly max: number | undefined;
  readonly maxInclusive: boolean;
}

export interface CompiledColumn {
  readonly name: string;
  readonly expr: Expr;
  /** Whether values are times (epoch ms), rendered as ISO 8601 in output. */
  readonly isTime: boolean;
}

export interface CompiledPattern {
  readonly id: string;
  readonly definition: DetectorDefinition;
  /** Node variables and the node kinds each may take. */
  readonly nodeVars: ReadonlyMap<string, ReadonlySet<NodeKind>>;
  readonly match: readonly CompiledClause[];
  readonly exists: readonly CompiledClause[];
  readonly absent: readonly CompiledClause[];
  readonly aggregate: readonly CompiledClause[];
  readonly temporal: readonly CompiledTemporal[];
  readonly where: readonly Expr[];
  readonly group:
    | { readonly by: readonly CompiledColumn[]; readonly aggregate: readonly (CompiledColumn & { spec: AggregateSpec })[] }
    | undefined;
  readonly project: readonly CompiledColumn[];
  readonly sort: readonly { readonly column: string; readonly order: 'asc' | 'desc' }[];
  readonly streaming: { readonly anchor: string; readonly start: Expr | undefined; readonly end: Expr | undefined } | undefined;
  /** Parameter defaults (durations in ms). */
  readonly params: Readonly<Record<string, Value>>;
  /** Columns in output order. */
  readonly columns: readonly string[];
}

const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration text such as 30d or 6h. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new IdgraphError('BAD_INPUT', `not a duration: ${JSON.stringify(text)} (use 30d, 6h, 15m, 10s, 500ms)`);
  return Number(m[1]) * DURATION_MS[m[2]!]!;
}

/** Reads a parameter value given on the command line or in an API call, by the parameter's declared type. */
export function parseParamValue(type: 'duration' | 'number' | 'string', raw: string | number): Value {
  if (type === 'duration') return typeof raw === 'number' ? raw : durationMs(raw);
  if (type === 'number') {
    const n = Number(raw);
    if (Number.isNaN(n)) throw new IdgraphError('BAD_INPUT', `not a number: ${JSON.stringify(raw)}`);
    return n;
  }
  return String(raw);
}

const RUN_PARAMS = new Set(['start', 'end']);

class Compiler {
  private readonly nodeVars = new Map<string, Set<NodeKind>>();
  private readonly clauseKinds = new Map<string, { edge: EdgeKind; role: ClauseRole; compute: Set<string> }>();
  private readonly computed = new Map<string, Map<string, AggregateSpec>>();

  constructor(private readonly def: DetectorDefinition) {}

  private fail(path: string, message: string): never {
    throw new IdgraphError('INVALID_DETECTOR', `detector ${this.def.id}: ${path}: ${message}`, { detector: this.def.id, construct: path });
  }

  private parse(path: string, src: string): Expr {
    try {
      return parseExpr(src);
    } catch (err) {
      return this.fail(path, (err as Error).message);
    }
  }

  private addNodeVar(path: string, name: string, kinds: readonly NodeKind[]): void {
    if (this.clauseKinds.has(name)) this.fail(path, `'${name}' is already an edge variable`);
    const cur = this.nodeVars.get(name);
    const next = new Set(cur ? kinds.filter((k) => cur.has(k)) : kinds);
    if (next.size === 0) this.fail(path, `node variable '${name}' cannot be both ${[...(cur ?? [])].join('|')} and ${kinds.join('|')}`);
    this.nodeVars.set(name, next);
  }

  private endpoint(path: string, def: EdgeClauseDefinition['from'], allowed: readonly NodeKind[]): CompiledEndpoint {
    if (typeof def === 'string') {
      this.addNodeVar(path, def, allowed);
      return { type: 'var', var: def };
    }
    if (!allowed.includes(def.kind)) this.fail(path, `${def.kind} is not an endpoint of this edge (allowed: ${allowed.join(', ')})`);
    if (def.as) this.addNodeVar(path, def.as, [def.kind]);
    return { type: 'key', kind: def.kind, key: this.parse(`${path}.key`, def.key), var: def.as };
  }

  /** Checks names an expression reads: variables, properties, parameters and functions. */
  private check(path: string, e: Expr, ctx: { own?: string; columns?: ReadonlySet<string>; aggregatesAllowed?: boolean }): void {
    walkExpr(e, (x) => {
      if (x.type === 'param') {
        if (!RUN_PARAMS.has(x.name) && !Object.hasOwn(this.def.params, x.name)) this.fail(path, `unknown parameter $${x.name}`);
      } else if (x.type === 'column') {
        if (!ctx.columns?.has(x.name)) this.fail(path, `unknown name '${x.name}' (use var.prop, $param, or a group column)`);
      } else if (x.type === 'call') {
        if (isAggregateCall(x)) {
          if (!ctx.aggregatesAllowed) this.fail(path, `aggregate ${x.fn}() is only allowed in group.aggregate and aggregate.compute`);
        } else if (!isScalarFunction(x.fn)) this.fail(path, `unknown function ${x.fn}()`);
      } else if (x.type === 'prop') {
        if (ctx.columns) this.fail(path, `'${x.variable}.${x.prop}' is not available after group (use the group's columns)`);
        this.checkProp(path, x.variable, x.prop, ctx.own);
      }
    });
  }

  private checkProp(path: string, variable: string, prop: string, own: string | undefined): void {
    const clause = this.clauseKinds.get(variable);
    if (clause) {
      if (clause.role === 'aggregate' && variable !== own) {
        if (!clause.compute.has(prop)) this.fail(path, `aggregate clause '${variable}' computes no '${prop}'`);
        return;
      }
      if ((clause.role === 'exists' || clause.role === 'absent' || clause.role === 'aggregate') && variable !== own) {
        this.fail(path, `'${variable}' is a ${clause.role} clause: its occurrences are only visible inside it`);
      }
      if (!Object.hasOwn(OCCURRENCE_BUILTINS, prop) && !edgePropSpec(clause.edge, prop)) {
        this.fail(path, `${clause.edge} occurrences have no property '${prop}'`);
      }
      return;
    }
    const kinds = this.nodeVars.get(variable);
    if (!kinds) this.fail(path, `unknown variable '${variable}'`);
    for (const k of kinds) if (!nodeHasProp(k, prop)) this.fail(path, `${k} nodes have no property '${prop}'`);
  }

  private clause(role: ClauseRole, i: number, def: EdgeClauseDefinition & { compute?: Record<string, string> }): CompiledClause {
    const path = `pattern.${role}[${i}]`;
    const spec = EDGE_KINDS[def.edge];
    if (this.clauseKinds.has(def.as) || this.nodeVars.has(def.as)) this.fail(path, `variable '${def.as}' is defined twice`);
    const from = this.endpoint(`${path}.from`, def.from, spec.from);
    const to = this.endpoint(`${path}.to`, def.to, spec.to);
    this.clauseKinds.set(def.as, { edge: def.edge, role, compute: new Set(Object.keys(def.compute ?? {})) });
    const where = def.where ? conjuncts(this.parse(`${path}.where`, def.where)) : [];
    const local: Expr[] = [];
    const cross: Expr[] = [];
    for (const c of where) {
      const vars = exprVariables(c);
      (vars.size === 0 || (vars.size === 1 && vars.has(def.as)) ? local : cross).push(c);
    }
    const window = def.window
      ? {
          from: def.window.from ? this.parse(`${path}.window.from`, def.window.from) : undefined,
          to: def.window.to ? this.parse(`${path}.window.to`, def.window.to) : undefined,
          fromInclusive: def.window.fromInclusive,
          toInclusive: def.window.toInclusive,
        }
      : undefined;
    if (role === 'match' && window) {
      for (const w of [window.from, window.to]) {
        if (w && exprVariables(w).size > 0) {
          this.fail(`${path}.window`, 'a match clause window may use parameters only; relate match clauses with temporal');
        }
      }
    }
    const collapse = def.collapse?.by.map((b, j) => this.parse(`${path}.collapse.by[${j}]`, b));
    if (collapse && role !== 'match') this.fail(`${path}.collapse`, 'collapse applies to match clauses only');
    const compute = Object.entries(def.compute ?? {}).map(([name, src]) => {
      if (edgePropSpec(def.edge, name) || Object.hasOwn(OCCURRENCE_BUILTINS, name)) {
        this.fail(`${path}.compute.${name}`, `'${name}' is a property of ${def.edge}; pick another name`);
      }
      return { name, spec: aggregateSpec(this.parse(`${path}.compute.${name}`, src), `detector ${this.def.id}: ${path}.compute.${name}`) };
    });
    this.computed.set(def.as, new Map(compute.map((x) => [x.name, x.spec])));
    return { role, path, as: def.as, edge: def.edge, from, to, range: def.range, window, local, cross, collapse, compute };
  }

  private checkClause(c: CompiledClause): void {
    const ctx = { own: c.as };
    for (const e of [...c.local, ...c.cross]) this.check(`${c.path}.where`, e, ctx);
    if (c.window?.from) this.check(`${c.path}.window.from`, c.window.from, ctx);
    if (c.window?.to) this.check(`${c.path}.window.to`, c.window.to, ctx);
    for (const e of c.collapse ?? []) this.check(`${c.path}.collapse`, e, ctx);
    for (const k of [c.from, c.to]) if (k.type === 'key') this.check(`${c.path}.key`, k.key, {});
    for (const { name, spec } of c.compute) if (spec.arg) this.check(`${c.path}.compute.${name}`, spec.arg, ctx);
    if (c.role === 'match') {
      for (const e of c.cross) {
        for (const v of exprVariables(e)) {
          const other = this.clauseKinds.get(v);
          if (other && other.role !== 'match') this.fail(`${c.path}.where`, `'${v}' is a ${other.role} clause and cannot be read here`);
        }
      }
    }
  }

  private isTime(e: Expr, timeColumns: ReadonlySet<string>): boolean {
    switch (e.type) {
      case 'prop': {
        if (e.prop === 'time') return true;
        const agg = this.computed.get(e.variable)?.get(e.prop);
        return agg?.arg !== undefined && agg.arg !== null && ['min', 'max', 'earliest', 'latest'].includes(agg.fn) && this.isTime(agg.arg, timeColumns);
      }
      case 'column':
        return timeColumns.has(e.name);
      case 'call':
        return ['min', 'max', 'earliest', 'latest', 'coalesce', 'datetime'].includes(e.fn) && e.args.length > 0 && (e.fn === 'datetime' || this.isTime(e.args[0]!, timeColumns));
      case 'binary':
        return (e.op === '+' || e.op === '-') && this.isTime(e.left, timeColumns) && !this.isTime(e.right, timeColumns);
      default:
        return false;
    }
  }

  compile(): CompiledPattern {
    const p = this.def.pattern;
    const params: Record<string, Value> = {};
    for (const [name, spec] of Object.entries(this.def.params)) {
      try {
        params[name] = parseParamValue(spec.type, spec.default);
      } catch (err) {
        this.fail(`params.${name}.default`, (err as Error).message);
      }
    }
    const match = p.match.map((c, i) => this.clause('match', i, c));
    const exists = p.exists.map((c, i) => this.clause('exists', i, c));
    const absent = p.absent.map((c, i) => this.clause('absent', i, c));
    const aggregate = p.aggregate.map((c, i) => this.clause('aggregate', i, c));
    for (const c of [...match, ...exists, ...absent, ...aggregate]) this.checkClause(c);

    const temporal = p.temporal.map((t, i) => {
      for (const v of [t.first, t.then]) {
        if (this.clauseKinds.get(v)?.role !== 'match') this.fail(`pattern.temporal[${i}]`, `'${v}' is not a match clause`);
      }
      return {
        first: t.first,
        then: t.then,
        min: durationMs(t.min),
        max: t.max === undefined ? undefined : durationMs(t.max),
        maxInclusive: t.maxInclusive,
      };
    });
    const where = p.where ? conjuncts(this.parse('pattern.where', p.where)) : [];
    for (const w of where) this.check('pattern.where', w, {});

    let group: CompiledPattern['group'];
    const timeColumns = new Set<string>();
    let columnsAfterGroup: Set<string> | undefined;
    if (p.group) {
      const by = Object.entries(p.group.by).map(([name, src]) => {
        const expr = this.parse(`pattern.group.by.${name}`, src);
        this.check(`pattern.group.by.${name}`, expr, {});
        return { name, expr, isTime: this.isTime(expr, timeColumns) };
      });
      const aggregates = Object.entries(p.group.aggregate).map(([name, src]) => {
        const path = `pattern.group.aggregate.${name}`;
        const expr = this.parse(path, src);
        const spec = aggregateSpec(expr, `detector ${this.def.id}: ${path}`);
        if (spec.arg) this.check(path, spec.arg, {});
        return { name, expr, spec, isTime: this.isTime(expr, timeColumns) };
      });
      group = { by, aggregate: aggregates };
      columnsAfterGroup = new Set([...by, ...aggregates].map((c) => c.name));
      for (const c of [...by, ...aggregates]) if (c.isTime) timeColumns.add(c.name);
    }
    const project = Object.entries(p.project).map(([name, src]) => {
      const expr = this.parse(`pattern.project.${name}`, src);
      this.check(`pattern.project.${name}`, expr, columnsAfterGroup ? { columns: columnsAfterGroup } : {});
      return { name, expr, isTime: this.isTime(expr, timeColumns) };
    });
    const columns = project.map((c) => c.name);
    p.sort.forEach((s, i) => {
      if (!columns.includes(s.column)) this.fail(`pattern.sort[${i}]`, `'${s.column}' is not an output column`);
    });
    for (const [i, e] of this.def.entities.entries()) {
      if (!columns.includes(e.column)) this.fail(`entities[${i}]`, `'${e.column}' is not an output column`);
    }
    let streaming: CompiledPattern['streaming'];
    if (p.streaming) {
      if (this.clauseKinds.get(p.streaming.anchor)?.role !== 'match') {
        this.fail('pattern.streaming.anchor', `'${p.streaming.anchor}' is not a match clause`);
      }
      const start = p.streaming.start ? this.parse('pattern.streaming.start', p.streaming.start) : undefined;
      const end = p.streaming.end ? this.parse('pattern.streaming.end', p.streaming.end) : undefined;
      for (const e of [start, end]) {
        if (!e) continue;
        this.check('pattern.streaming', e, {});
        for (const v of exprVariables(e)) if (v !== p.streaming.anchor) this.fail('pattern.streaming', `may only read the anchor '${p.streaming.anchor}'`);
      }
      streaming = { anchor: p.streaming.anchor, start, end };
    }
    return {
      id: this.def.id,
      definition: this.def,
      nodeVars: this.nodeVars,
      match,
      exists,
      absent,
      aggregate,
      temporal,
      where,
      group,
      project,
      sort: p.sort,
      streaming,
      params,
      columns,
    };
  }
}

/** Compiles a detector definition; throws IdgraphError INVALID_DETECTOR naming the detector and construct. */
export function compileDetector(def: DetectorDefinition): CompiledPattern {
  return new Compiler(def).compile();
}
