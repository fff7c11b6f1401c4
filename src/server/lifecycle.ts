/**
 * The shutdown sequence's signals, as kube's lifecycleSignals: each is set once
 * and never unset. SIGTERM sets shutdownInitiated (readyz fails at once); after
 * the shutdown delay, draining (new requests get 503 and the listener closes);
 * when the in-flight count reaches zero, drained.
 */
export class Signal {
  private done = false;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly name: string) {}

  get signaled(): boolean {
    return this.done;
  }

  signal(): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Calls fn once when signaled (at once if already); returns an unsubscribe for callers that end first. */
  subscribe(fn: () => void): () => void {
    if (this.done) {
      fn();
      return () => undefined;
    }
    this.waiters.push(fn);
    return () => {
      const i = this.waiters.indexOf(fn);
      if (i >= 0) this.waiters.splice(i, 1);
    };
  }

  wait(): Promise<void> {
    return this.done ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export class Lifecycle {
  readonly shutdownInitiated = new Signal('ShutdownInitiated');
  readonly draining = new Signal('NotAcceptingNewRequest');
  readonly drained = new Signal('InFlightRequestsDrained');
  private inFlight = 0;

  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Counts a request in; returns the function that counts it out. */
  track(): () => void {
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      if (this.inFlight === 0 && this.draining.signaled) this.drained.signal();
    };
  }

  /** Stops accepting requests; `drained` fires once the in-flight ones finished. */
  startDraining(): void {
    this.draining.signal();
    if (this.inFlight === 0) this.drained.signal();
  }
}
