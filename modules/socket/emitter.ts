// A small EventEmitter with Node's semantics (Moddable has none): listeners run in the order
// added; emit() works on a snapshot, so adding or removing listeners while emitting affects
// only later emits; once() listeners are removed before they run. An "error" nobody listens
// to is handed to `unhandledError` rather than thrown into the network stack (docs/protocol.md, "Errors").

export type Listener = (...args: any[]) => void;

interface Entry {
  readonly listener: Listener;
  readonly once: boolean;
}

export class EventEmitter {
  #events = new Map<string, Entry[]>();

  on(event: string, listener: Listener): this {
    return this.#add(event, listener, false);
  }

  addListener(event: string, listener: Listener): this {
    return this.#add(event, listener, false);
  }

  once(event: string, listener: Listener): this {
    return this.#add(event, listener, true);
  }

  /** Removes the most recently added registration of `listener`, as Node does. */
  off(event: string, listener: Listener): this {
    const list = this.#events.get(event);
    if (!list) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.listener === listener) return this.#remove(event, list[i]!);
    }
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }

  listenerCount(event: string): number {
    return this.#events.get(event)?.length ?? 0;
  }

  listeners(event: string): Listener[] {
    return (this.#events.get(event) ?? []).map((e) => e.listener);
  }

  /** Calls the listeners of `event`; returns whether there were any. */
  emit(event: string, ...args: unknown[]): boolean {
    const list = this.#events.get(event);
    if (!list) {
      if (event === "error") this.unhandledError(args[0]);
      return false;
    }
    for (const entry of list) { // `list` is never mutated in place: removal replaces it
      if (entry.once) this.#remove(event, entry);
      entry.listener.apply(this, args);
    }
    return true;
  }

  /** Where an "error" with no listener goes. Subclasses report it through their host. */
  protected unhandledError(error: unknown): void {
    throw error instanceof Error ? error : new Error(String(error));
  }

  #remove(event: string, entry: Entry): this {
    const list = this.#events.get(event);
    if (!list) return this;
    const rest = list.filter((e) => e !== entry); // copy: an emit in progress keeps its snapshot
    if (rest.length) this.#events.set(event, rest);
    else this.#events.delete(event);
    return this;
  }

  #add(event: string, listener: Listener, once: boolean): this {
    if (typeof listener !== "function") throw new TypeError(`The listener for "${event}" must be a function`);
    const list = this.#events.get(event);
    const entry = { listener, once };
    this.#events.set(event, list ? list.concat(entry) : [entry]); // copy-on-write, see emit()
    return this;
  }
}
