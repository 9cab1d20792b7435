/**
 * Tasks run one at a time, in the order they were given; a failed task does not stop the next. Ingests
 * share one so that batches reach the graph in order, and a graph snapshot taken through the same queue
 * never falls between a batch's commit and its apply.
 */
export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task given before it; resolves or rejects as it does. */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
