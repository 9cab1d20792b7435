/**
 * The expression language of detector patterns, as a tagged union. One AST
 * serves the three engines: the batch and streaming matchers compile it to
 * closures (evaluate.ts) and the Cypher compiler to Cypher text.
 */

/** A value an expression produces. Times are epoch milliseconds (numbers). */
export type Value = string | number | boolean | null | readonly Value[];

export type BinaryOp =
  | '==' | '!=' | '=~' | '!~' | '<' | '<=' | '>' | '>='
  | '+' | '-' | '*' | '/'
  | 'contains' | '!contains' | 'startswith' | 'endswith' | 'has' | 'matches';

export type ListOp = 'in' | '!in' | 'in~' | '!in~' | 'has_any';

export type Expr =
  | { readonly type: 'literal'; readonly value: string | number | boolean | null }
  /** A duration literal such as 6h or 30d, in milliseconds. */
  | { readonly type: 'duration'; readonly ms: number; readonly text: string }
  /** `$name`: a detector parameter or the run's `$start` / `$end`. */
  | { readonly type: 'param'; readonly name: string }
  /** `var.prop`: a property of a bound edge occurrence or node (`time`, `eventId` and `key` built in). */
  | { readonly type: 'prop'; readonly variable: string; readonly prop: string }
  /** A bare name: an output column of the group stage. */
  | { readonly type: 'column'; readonly name: string }
  | { readonly type: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly type: 'list'; readonly op: ListOp; readonly left: Expr; readonly items: readonly Expr[] }
  | { readonly type: 'and' | 'or'; readonly args: readonly Expr[] }
  | { readonly type: 'not'; readonly arg: Expr }
  | { readonly type: 'neg'; readonly arg: Expr }
  | { readonly type: 'index'; readonly target: Expr; readonly index: Expr }
  | { readonly type: 'call'; readonly fn: string; readonly args: readonly Expr[] };

/** Visits every node of an expression, depth first. */
export function walkExpr(expr: Expr, visit: (e: Expr) => void): void {
  visit(expr);
  switch (expr.type) {
    case 'binary':
      walkExpr(expr.left, visit);
      walkExpr(expr.right, visit);
      break;
    case 'list':
      walkExpr(expr.left, visit);
      for (const i of expr.items) walkExpr(i, visit);
      break;
    case 'and':
    case 'or':
      for (const a of expr.args) walkExpr(a, visit);
      break;
    case 'not':
    case 'neg':
      walkExpr(expr.arg, visit);
      break;
    case 'index':
      walkExpr(expr.target, visit);
      walkExpr(expr.index, visit);
      break;
    case 'call':
      for (const a of expr.args) walkExpr(a, visit);
      break;
    default:
      break;
  }
}

/** The pattern variables an expression reads (`var` of every `var.prop`). */
export function exprVariables(expr: Expr): Set<string> {
  const vars = new Set<string>();
  walkExpr(expr, (e) => {
    if (e.type === 'prop') vars.add(e.variable);
  });
  return vars;
}

/** Splits an expression into its top-level conjuncts (`a and b and c` → [a, b, c]). */
export function conjuncts(expr: Expr): Expr[] {
  return expr.type === 'and' ? expr.args.flatMap(conjuncts) : [expr];
}

/** Renders an expression back to source text (for explain and error messages). */
export function formatExpr(e: Expr): string {
  switch (e.type) {
    case 'literal':
      return typeof e.value === 'string' ? `'${e.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(e.value);
    case 'duration':
      return e.text;
    case 'param':
      return `$${e.name}`;
    case 'prop':
      return `${e.variable}.${e.prop}`;
    case 'column':
      return e.name;
    case 'binary':
      return `(${formatExpr(e.left)} ${e.op} ${formatExpr(e.right)})`;
    case 'list':
      return `${formatExpr(e.left)} ${e.op} (${e.items.map(formatExpr).join(', ')})`;
    case 'and':
    case 'or':
      return e.args.map(formatExpr).join(` ${e.type} `);
    case 'not':
      return `not (${formatExpr(e.arg)})`;
    case 'neg':
      return `-${formatExpr(e.arg)}`;
    case 'index':
      return `${formatExpr(e.target)}[${formatExpr(e.index)}]`;
    case 'call':
      return `${e.fn}(${e.args.map(formatExpr).join(', ')})`;
  }
}
