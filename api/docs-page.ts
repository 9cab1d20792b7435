/**
 * The /docs page: the OpenAPI document rendered as one self-contained HTML page (inline
 * CSS, no scripts, no CDN), listing every route with its scope, parameters, request
 * body and responses, and every shared schema.
 */
import type { OpenApiDocument, OperationObject, ParameterObject } from './openapi.js';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Pretty JSON with component references turned into in-page links. */
function schemaHtml(schema: unknown): string {
  return `<pre>${esc(JSON.stringify(schema, null, 2)).replace(
    /&quot;#\/components\/(schemas|responses)\/([A-Za-z0-9_.-]+)&quot;/g,
    (_m, kind: string, name: string) => `<a href="#${kind}-${esc(name)}">&quot;#/components/${kind}/${esc(name)}&quot;</a>`,
  )}</pre>`;
}

function typeOf(schema: Record<string, unknown>): string {
  if (typeof schema['$ref'] === 'string') return schema['$ref'].split('/').pop() ?? '';
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => JSON.stringify(v)).join(' | ');
  if (schema['type'] === 'array' && typeof schema['items'] === 'object' && schema['items'] !== null) {
    return `${typeOf(schema['items'] as Record<string, unknown>)}[]`;
  }
  const t = schema['type'];
  const base = Array.isArray(t) ? t.join(' | ') : typeof t === 'string' ? t : 'any';
  const extras: string[] = [];
  for (const k of ['format', 'minimum', 'maximum', 'default', 'pattern'] as const) {
    if (schema[k] !== undefined && !(k === 'minimum' && Number(schema[k]) <= -Number.MAX_SAFE_INTEGER)) {
      extras.push(`${k}: ${JSON.stringify(schema[k])}`);
    }
  }
  return extras.length > 0 ? `${base} (${extras.join(', ')})` : base;
}

function paramsTable(params: readonly ParameterObject[]): string {
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td>` +
        `<td><code>${esc(typeOf(p.schema))}</code></td><td>${esc(p.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>name</th><th>in</th><th>required</th><th>type</th><th>description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function operationHtml(method: string, path: string, op: OperationObject): string {
  const id = esc(op.operationId);
  const parts = [
    `<section class="op" id="op-${id}">`,
    `<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>`,
    `<p class="summary">${esc(op.summary)}</p>`,
    `<p class="scope">${op['x-idgraph-scope'] === null ? 'public' : `scope: <b>${esc(op['x-idgraph-scope'])}</b>`} · operationId <code>${id}</code></p>`,
  ];
  if (op.description) parts.push(`<p>${esc(op.description)}</p>`);
  if (op.parameters && op.parameters.length > 0) parts.push('<h4>Parameters</h4>', paramsTable(op.parameters));
  if (op.requestBody) {
    parts.push('<h4>Request body</h4>');
    if (op.requestBody.description) parts.push(`<p>${esc(op.requestBody.description)}</p>`);
    for (const [type, media] of Object.entries(op.requestBody.content)) {
      parts.push(`<p><code>${esc(type)}</code></p>`, schemaHtml(media.schema));
    }
  }
  parts.push('<h4>Responses</h4>');
  for (const [status, response] of Object.entries(op.responses)) {
    const r = response as { $ref?: string; description?: string; content?: Record<string, { schema: unknown }> };
    if (r.$ref) {
      const name = r.$ref.split('/').pop() ?? '';
      parts.push(`<p><b>${esc(status)}</b> <a href="#responses-${esc(name)}">${esc(name)}</a></p>`);
      continue;
    }
    parts.push(`<p><b>${esc(status)}</b> ${esc(r.description ?? '')}</p>`);
    for (const [type, media] of Object.entries(r.content ?? {})) {
      parts.push(`<p><code>${esc(type)}</code></p>`, schemaHtml(media.schema));
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f7f8fa}
header{background:#1d2330;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
nav ul{columns:2;padding-left:18px}
.op{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:8px 16px;margin:12px 0}
.method{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#6a1b9a}.patch{background:#ef6c00}.delete{background:#c62828}
pre{background:#f0f2f5;padding:8px;overflow:auto;max-height:360px;font-size:12px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #dde1e8;padding:4px 6px;text-align:left;vertical-align:top}
.scope{color:#555}
`;

/** The docs page for an OpenAPI document. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const ops: { tag: string; method: string; path: string; op: OperationObject }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) ops.push({ tag: op.tags?.[0] ?? 'other', method, path, op });
  }
  const tags = [...new Set(ops.map((o) => o.tag))].sort();
  const nav = tags
    .map(
      (tag) =>
        `<li>${esc(tag)}<ul>${ops
          .filter((o) => o.tag === tag)
          .map((o) => `<li><a href="#op-${esc(o.op.operationId)}">${esc(o.method.toUpperCase())} ${esc(o.path)}</a></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  const body = tags
    .map((tag) => {
      const description = doc.tags.find((t) => t.name === tag)?.description;
      return [
        `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>`,
        description ? `<p>${esc(description)}</p>` : '',
        ...ops.filter((o) => o.tag === tag).map((o) => operationHtml(o.method, o.path, o.op)),
      ].join('\n');
    })
    .join('\n');
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, schema]) => `<section class="op" id="schemas-${esc(name)}"><h3>${esc(name)}</h3>${schemaHtml(schema)}</section>`)
    .join('\n');
  const responses = Object.entries(doc.components.responses)
    .map(([name, r]) => `<section class="op" id="responses-${esc(name)}"><h3>${esc(name)}</h3>${schemaHtml(r)}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} ${esc(doc.info.version)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<div>OpenAPI ${esc(doc.openapi)} · <a style="color:#9cf" href="openapi.json">openapi.json</a> · Authorization: Bearer &lt;token&gt;</div></header>
<main>${doc.info.description ? `<p>${esc(doc.info.description)}</p>` : ''}<nav><h2>Routes</h2><ul>${nav}</ul></nav>
${body}
<h2>Schemas</h2>${schemas}
<h2>Error responses</h2>${responses}
</main></body></html>
`;
}
