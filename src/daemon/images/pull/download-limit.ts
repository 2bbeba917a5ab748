// At most `limit` downloads at once, shared by every pull of one daemon (as dockerd's
// max-concurrent-downloads): a second pull waits for slots, not for the first pull to finish.

export class DownloadLimit {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(task: () => Promise<T>, onWait?: () => void): Promise<T> {
    if (this.#active >= this.#limit) {
      onWait?.();
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.#active -= 1;
    }
  }
}
