/**
 * State shared while compiling one pattern to Cypher: the parameter map
 * (every detector literal goes in here, never into the text), fresh names,
 * the Cypher names of pattern variables, and the errors that name the
 * detector and construct.
 */
import { IdgraphError } from '../../errors.js';
import { EDGE_KIND_NAMES, EDGE_KINDS, NODE_KIND_NAMES, OCCURRENCE_BUILTINS, edgePropSpec, nodeHasProp, type EdgeKind, type NodeKind } from '../../graph/schema.js';
import type { AggregateSpec } from '../aggregates.js';
import type { CompiledPattern } from '../compile.js';
import type { CypherExpr, CypherScope, CypherType } from './expression.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Cypher variable of a node variable. */
export const nodeVar = (v: string): string => `n_${v}`;
/** Cypher variable of a clause's occurrence (relationship). */
export const relVar = (v: string): string => `r_${v}`;
/** Cypher variable holding an aggregate clause's computed value. */
export const aggVar = (clause: string, name: string): string => `a_${clause}_${name}`;
/** Cypher variable of a group column. */
export const groupVar = (name: string): string => `g_${name}`;
/** Query parameter of a detector parameter. */
export const paramName = (name: string): string => `p_${name}`;

/** A label expression from the schema's node kinds only. */
export function labels(kinds: Iterable<NodeKind>): string {
  const ks = [...kinds];
  for (const k of ks) if (!NODE_KIND_NAMES.includes(k)) throw new IdgraphError('UNSUPPORTED_CONSTRUCT', `unknown node kind ${k}`);
  return ks.join('|');
}

/** A relationship type from the schema's edge kinds only. */
export function relType(kind: EdgeKind): string {
  if (!EDGE_KIND_NAMES.includes(kind)) throw new IdgraphError('UNSUPPORTED_CONSTRUCT', `unknown edge kind ${kind}`);
  return kind;
}

/** Result type of an aggregate function over an argument of the given type. */
export function aggregateType(spec: AggregateSpec, argType: CypherType | undefined): CypherType {
  switch (spec.fn) {
    case 'count':
    case 'dcount':
    case 'sum':
      return 'num';
    case 'make_set':
      return 'list';
    default:
      return argType === 'num' ? 'num' : argType === 'list' ? 'list' : 'any';
  }
}

/** How `$start`/`$end` and parameters read in one part of the query. */
export interface ParamView {
  readonly start: string;
  readonly end: string;
  /** After group, parameters read their defaults and $start/$end are null (as the in-memory evaluator does). */
  readonly postGroup?: boolean;
}

export class CypherContext {
  readonly params: Record<string, unknown> = {};
  private literals = 0;
  private names = 0;
  /** Aggregate clause outputs by clause, with their types. */
  readonly aggregateOutputs = new Map<string, Map<string, CypherType>>();
  /** Clauses whose occurrence time is held in a variable (pre-collected lists carry it, saving a property read per row). */
  readonly timeVars = new Map<string, string>();
  /** Construct being compiled, for error messages ("pattern.match[0].where"). */
  path = 'pattern';
  /** Whether sub-queries also return the event ids behind each row (detections, not hunts). */
  evidence = false;

  constructor(readonly p: CompiledPattern) {
    for (const [name, v] of Object.entries(p.params)) this.params[paramName(name)] = v;
  }

  /** Throws UNSUPPORTED_CONSTRUCT naming the detector and the construct. */
  unsupported(why: string, path = this.path): never {
    throw new IdgraphError('UNSUPPORTED_CONSTRUCT', `detector ${this.p.id}: ${path}: ${why}`, { detector: this.p.id, construct: path });
  }

  /** Registers a value as a parameter; returns `$lN`. */
  bind(value: unknown): string {
    const name = `l${this.literals++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  fresh(): string {
    return `_x${this.names++}`;
  }

  /** The scope expressions compile in: clause occurrences, nodes, aggregate outputs and parameters (or group columns). */
  scope(view: ParamView, columns?: ReadonlyMap<string, CypherExpr>): CypherScope {
    const p = this.p;
    const clauses = new Map([...p.match, ...p.exists, ...p.absent, ...p.aggregate].map((c) => [c.as, c]));
    const self = this;
    return {
      prop(variable, prop) {
        if (!IDENT.test(variable) || !IDENT.test(prop)) return self.unsupported(`bad name ${variable}.${prop}`);
        const clause = clauses.get(variable);
        if (clause) {
          const outputs = self.aggregateOutputs.get(variable);
          if (clause.role === 'aggregate' && outputs?.has(prop)) return { text: aggVar(variable, prop), type: outputs.get(prop)! };
          if (!Object.hasOwn(OCCURRENCE_BUILTINS, prop) && !edgePropSpec(clause.edge, prop)) {
            return self.unsupported(`${EDGE_KINDS[clause.edge] ? clause.edge : '?'} has no property ${prop}`);
          }
          if (prop === 'time' && self.timeVars.has(variable)) return { text: self.timeVars.get(variable)!, type: 'num' };
          const type: CypherType = prop === 'time' ? 'num' : prop === 'eventId' ? 'str' : 'any';
          return { text: `${relVar(variable)}.${prop}`, type };
        }
        const kinds = p.nodeVars.get(variable);
        if (!kinds) return self.unsupported(`unknown variable ${variable}`);
        for (const k of kinds) if (!nodeHasProp(k, prop)) return self.unsupported(`${k} nodes have no property ${prop}`);
        return { text: `${nodeVar(variable)}.${prop}`, type: prop === 'key' ? 'str' : 'any' };
      },
      param(name) {
        if (name === 'start' || name === 'end') {
          if (view.postGroup) return { text: 'null', type: 'num' };
          return { text: name === 'start' ? view.start : view.end, type: 'num' };
        }
        const spec = p.definition.params[name];
        if (!spec || !IDENT.test(name)) return self.unsupported(`unknown parameter $${name}`);
        const type: CypherType = spec.type === 'string' ? 'str' : 'num';
        if (view.postGroup) {
          const v = p.params[name] ?? null;
          return v === null ? { text: 'null', type } : { text: self.bind(v), type };
        }
        return { text: `$${paramName(name)}`, type };
      },
      column(name) {
        const c = columns?.get(name);
        if (!c) return self.unsupported(`unknown column ${name}`);
        return c;
      },
      bind: (v) => self.bind(v),
      fresh: () => self.fresh(),
      unsupported: (why) => self.unsupported(why),
    };
  }
}
