/**
 * Webhooks: tell other systems when a chain appears or its score crosses a
 * receiver's threshold. Each receiver is `{ url, secret, minScore }`, from
 * IDGRAPH_WEBHOOKS (JSON) or `<store>/webhooks.json`. A delivery is a POST of
 * `{ event, chain, ... }` signed with HMAC-SHA256 of the exact body bytes in
 * `X-Idgraph-Signature: sha256=<hex>`.
 *
 * The notifier watches the engine: after each judged batch it compares the
 * chains with the scores it saw last (checks are coalesced and run after the
 * batch returns), and queues deliveries. Deliveries run in the background with
 * a timeout per attempt and retries with backoff, so a slow or dead receiver
 * never holds up ingestion; a full queue drops its oldest delivery (counted).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Chain } from '../chains/chain-schema.js';
import { IdgraphError } from '../errors.js';

export const WebhookSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(16, 'use a secret of at least 16 characters'),
    minScore: z.number().nonnegative().default(0).describe('chain.created when a new chain scores at least this; chain.score_crossed when a chain reaches it'),
  })
  .strict();
export const WebhooksConfigSchema = z.array(WebhookSchema);
export type Webhook = z.infer<typeof WebhookSchema>;

export type WebhookEvent = 'chain.created' | 'chain.score_crossed';

/** The JSON body of a delivery. */
export interface WebhookPayload {
  readonly event: WebhookEvent;
  readonly deliveryId: string;
  readonly sentAt: string;
  readonly threshold: number;
  readonly previousScore: number | null;
  readonly chain: Chain;
}

/** The signature header value for a body: `sha256=<hex HMAC-SHA256>`. */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Receivers from IDGRAPH_WEBHOOKS (JSON array) if set, else `<storeDir>/webhooks.json` if present, else none. */
export function loadWebhooks(storeDir: string, env: NodeJS.ProcessEnv = process.env): Webhook[] {
  const fromEnv = env['IDGRAPH_WEBHOOKS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseWebhooks(fromEnv, 'IDGRAPH_WEBHOOKS');
  const file = join(storeDir, 'webhooks.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new IdgraphError('BAD_INPUT', `${file}: cannot read: ${(err as Error).message}`, { file });
  }
  return parseWebhooks(text, file);
}

/** Parses and validates a webhook list; errors name the source and the field (never the secrets). */
export function parseWebhooks(text: string, source: string): Webhook[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IdgraphError('BAD_INPUT', `${source}: not valid JSON`, { source });
  }
  const parsed = WebhooksConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new IdgraphError('BAD_INPUT', `${source}: ${issues[0]!.path || '(root)'}: ${issues[0]!.message}`, { source, issues });
  }
  return parsed.data;
}

export interface NotifierOptions {
  /** Per-attempt timeout, ms. Default 5000. */
  readonly timeoutMs?: number;
  /** Attempts per delivery. Default 4. */
  readonly attempts?: number;
  /** First retry delay, doubled each time, ms. Default 500. */
  readonly backoffMs?: number;
  /** Deliveries queued per receiver before the oldest is dropped. Default 1000. */
  readonly maxQueue?: number;
  readonly onError?: (message: string, fields: Record<string, unknown>) => void;
}

/** What a chain source offers the notifier (the engine does). */
export interface ChainSource {
  listChains(): Chain[];
  onChange(listener: () => void): () => void;
}

interface Delivery {
  readonly body: string;
  readonly event: WebhookEvent;
  readonly deliveryId: string;
}

interface Receiver {
  readonly hook: Webhook;
  readonly queue: Delivery[];
  running: boolean;
}

/** Counters, for /metrics and tests. */
export interface NotifierStats {
  delivered: number;
  failed: number;
  dropped: number;
  attempts: number;
}

export class WebhookNotifier {
  private readonly receivers: Receiver[];
  private scores = new Map<string, number>();
  private scheduled: NodeJS.Immediate | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  readonly stats: NotifierStats = { delivered: 0, failed: 0, dropped: 0, attempts: 0 };
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxQueue: number;
  private readonly onError: (message: string, fields: Record<string, unknown>) => void;

  constructor(hooks: readonly Webhook[], opts: NotifierOptions = {}) {
    this.receivers = hooks.map((hook) => ({ hook, queue: [], running: false }));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.attempts = Math.max(1, opts.attempts ?? 4);
    this.backoffMs = opts.backoffMs ?? 500;
    this.maxQueue = opts.maxQueue ?? 1000;
    this.onError = opts.onError ?? (() => {});
  }

  /** Starts watching a chain source: the chains present now are known (no events for them). */
  attach(source: ChainSource): () => void {
    this.remember(source.listChains());
    return source.onChange(() => {
      if (this.scheduled || this.closed) return;
      // After the batch returns, and once for several batches in a row.
      this.scheduled = setImmediate(() => {
        this.scheduled = null;
        if (!this.closed) this.observe(source.listChains());
      });
    });
  }

  /** Compares chains with the scores seen last and queues the deliveries they call for. */
  observe(chains: readonly Chain[]): void {
    for (const c of chains) {
      const previous = this.previousScore(c);
      for (const r of this.receivers) {
        const min = r.hook.minScore;
        if (previous === undefined) {
          if (c.score >= min) this.enqueue(r, 'chain.created', c, null);
        } else if (previous < min && c.score >= min) {
          this.enqueue(r, 'chain.score_crossed', c, previous);
        }
      }
    }
    this.remember(chains);
  }

  /** Resolves when every queued delivery has been made or given up. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /** Stops watching; waits up to `graceMs` for queued deliveries, then abandons retries. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.idle(), grace]);
    for (const r of this.receivers) {
      this.stats.dropped += r.queue.length;
      r.queue.length = 0;
    }
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.done();
    }
  }

  private previousScore(c: Chain): number | undefined {
    const own = this.scores.get(c.id);
    if (own !== undefined) return own;
    // A chain that absorbed known chains is not new: it carries on from the best of them.
    let best: number | undefined;
    for (const a of c.aliases) {
      const s = this.scores.get(a);
      if (s !== undefined && (best === undefined || s > best)) best = s;
    }
    return best;
  }

  private remember(chains: readonly Chain[]): void {
    this.scores = new Map(chains.map((c) => [c.id, c.score]));
  }

  private enqueue(r: Receiver, event: WebhookEvent, chain: Chain, previousScore: number | null): void {
    if (this.closed) return;
    const deliveryId = randomUUID();
    const payload: WebhookPayload = { event, deliveryId, sentAt: new Date().toISOString(), threshold: r.hook.minScore, previousScore, chain };
    r.queue.push({ body: JSON.stringify(payload), event, deliveryId });
    if (r.queue.length > this.maxQueue) {
      r.queue.shift();
      this.stats.dropped++;
    }
    if (!r.running) {
      r.running = true;
      const p = this.drain(r).finally(() => {
        r.running = false;
        this.inflight.delete(p);
      });
      this.inflight.add(p);
    }
  }

  /** Sends a receiver's deliveries one at a time, in order. */
  private async drain(r: Receiver): Promise<void> {
    for (let d = r.queue.shift(); d !== undefined; d = r.queue.shift()) {
      let ok = false;
      for (let attempt = 1; attempt <= this.attempts && !ok; attempt++) {
        if (attempt > 1) {
          if (this.closed) break;
          await this.sleep(this.backoffMs * 2 ** (attempt - 2));
        }
        ok = await this.send(r.hook, d, attempt);
      }
      if (ok) this.stats.delivered++;
      else {
        this.stats.failed++;
        this.onError('webhook delivery failed', { url: redact(r.hook.url), event: d.event, deliveryId: d.deliveryId });
      }
    }
  }

  private async send(hook: Webhook, d: Delivery, attempt: number): Promise<boolean> {
    this.stats.attempts++;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'idgraph-webhooks',
          'x-idgraph-event': d.event,
          'x-idgraph-delivery': d.deliveryId,
          'x-idgraph-signature': signWebhookBody(hook.secret, d.body),
        },
        body: d.body,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return true;
      this.onError('webhook receiver answered an error', { url: redact(hook.url), status: res.status, attempt });
      return false;
    } catch (err) {
      this.onError('webhook delivery attempt failed', { url: redact(hook.url), attempt, error: (err as Error).name });
      return false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.sleeps.add(entry);
    });
  }
}

/** A URL for logs: origin and path only (query strings may carry tokens). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
