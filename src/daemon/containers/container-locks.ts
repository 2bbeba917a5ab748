// One queue per container: operations on the same container run one after another (a start never
// overlaps the handling of the previous exit), operations on different containers in parallel.

export class ContainerLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of this container has settled. */
  run<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined); // the caller sees the rejection; the queue only needs the settling
    this.#tails.set(id, settled);
    void settled.then(() => { if (this.#tails.get(id) === settled) this.#tails.delete(id); });
    return next;
  }
}
