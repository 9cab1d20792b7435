/**
 * Background jobs for requests too long to answer inline (hunts over long
 * ranges): run one at a time in submission order, kept in memory with their
 * result until evicted (the most recent `keep` finished jobs). A job is
 * visible only to the token that submitted it (and to admin tokens).
 */
import { randomUUID } from 'node:crypto';
import { IdgraphError, isIdgraphError } from '../src/errors.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job<R = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly owner: string;
  status: JobStatus;
  readonly created: string;
  started: string | null;
  finished: string | null;
  result: R | null;
  error: { code: string; message: string } | null;
}

export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: { job: Job; run: () => Promise<unknown> | unknown }[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly keep = 200) {}

  /** Queues work; returns the job record (status queued). */
  submit<R>(kind: string, owner: string, run: () => Promise<R> | R): Job<R> {
    const job: Job<R> = { id: randomUUID(), kind, owner, status: 'queued', created: new Date().toISOString(), started: null, finished: null, result: null, error: null };
    this.jobs.set(job.id, job);
    this.queue.push({ job, run });
    if (!this.running) void this.pump();
    return job;
  }

  /** A job by id, if `owner` may see it; NOT_FOUND otherwise (other owners' jobs are not revealed). */
  get(id: string, owner: string, isAdmin = false): Job {
    const job = this.jobs.get(id);
    if (!job || (!isAdmin && job.owner !== owner)) throw new IdgraphError('NOT_FOUND', `no job ${id}`, { id });
    return job;
  }

  /** Resolves once no job is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(): Promise<void> {
    this.running = true;
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      // Yield first, so the request that queued the job is answered before CPU-bound work starts.
      await new Promise<void>((r) => setImmediate(r));
      const { job, run } = next;
      job.status = 'running';
      job.started = new Date().toISOString();
      try {
        job.result = await run();
        job.status = 'succeeded';
      } catch (err) {
        job.status = 'failed';
        job.error = isIdgraphError(err) ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: 'internal error' };
      }
      job.finished = new Date().toISOString();
      this.evict();
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private evict(): void {
    const finished = [...this.jobs.values()].filter((j) => j.finished !== null);
    for (const j of finished.slice(0, Math.max(0, finished.length - this.keep))) this.jobs.delete(j.id);
  }
}
