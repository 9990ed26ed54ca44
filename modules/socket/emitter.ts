// A small EventEmitter with Node's semantics (Moddable has none): listeners run in the order
// added; emit() works on a snapshot, so adding or removing listeners while emitting affects
// only later emits; once() listeners are removed before they run. Two departures, for code that
// runs inside a network stack: an "error" nobody listens to goes to `unhandledError`, and a
// listener that throws goes to `listenerFailed` (subclasses report both through their host
// instead of throwing; the base class rethrows).

export type ListenerFunction = (...args: any[]) => void;

interface Entry {
  readonly listener: ListenerFunction;
  readonly once: boolean;
}

export class EventEmitter {
  #events = new Map<string, Entry[]>();
  #calling: ListenerFunction | null = null; // the listener dispatch() calls, as a method of this

  on(event: string, listener: ListenerFunction): this {
    return this.#add(event, listener, false);
  }

  addListener(event: string, listener: ListenerFunction): this {
    return this.#add(event, listener, false);
  }

  once(event: string, listener: ListenerFunction): this {
    return this.#add(event, listener, true);
  }

  /** Removes the most recently added registration of `listener`, as Node does. */
  off(event: string, listener: ListenerFunction): this {
    const list = this.#events.get(event);
    if (!list) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.listener === listener) return this.#remove(event, list[i]!);
    }
    return this;
  }

  removeListener(event: string, listener: ListenerFunction): this {
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

  listeners(event: string): ListenerFunction[] {
    return (this.#events.get(event) ?? []).map((e) => e.listener);
  }

  /** Calls the listeners of `event`; returns whether there were any. */
  emit(event: string, ...args: unknown[]): boolean {
    if (args.length <= 2) return this.dispatch(event, args[0], args[1]);
    const list = this.#listFor(event, args[0]);
    if (list === null) return false;
    for (let i = 0; i < list.length; i++) { // `list` is never mutated in place: removal replaces it
      const entry = list[i]!;
      if (entry.once) this.#remove(event, entry);
      try {
        entry.listener.apply(this, args);
      } catch (e) {
        this.listenerFailed(event, e);
      }
    }
    return true;
  }

  /**
   * emit() with at most two arguments, as the connection emits: no array and no iterator is made
   * (on XS each would be an allocation per message), and the listener is called as a method of
   * this emitter, so that no Function.prototype.call frame sits between the two on the stack.
   */
  dispatch(event: string, a?: unknown, b?: unknown): boolean {
    const list = this.#listFor(event, a);
    if (list === null) return false;
    for (let i = 0; i < list.length; i++) { // `list` is never mutated in place: removal replaces it
      const entry = list[i]!;
      if (entry.once) this.#remove(event, entry);
      this.#calling = entry.listener;
      try {
        this.#calling(a, b); // `this` is the emitter, as with Node's emit()
      } catch (e) {
        this.listenerFailed(event, e);
      }
    }
    return true;
  }

  // The listeners of `event`, or null (an "error" nobody listens to goes to unhandledError).
  #listFor(event: string, a: unknown): Entry[] | null {
    const list = this.#events.get(event);
    if (list !== undefined) return list;
    if (event === "error") this.unhandledError(a);
    return null;
  }

  /** Where an "error" with no listener goes. Subclasses report it through their host. */
  protected unhandledError(error: unknown): void {
    throw error instanceof Error ? error : new Error(String(error));
  }

  /** Where an exception thrown by a listener goes. Subclasses report it and go on. */
  protected listenerFailed(_event: string, error: unknown): void {
    throw error;
  }

  #remove(event: string, entry: Entry): this {
    const list = this.#events.get(event);
    if (!list) return this;
    const rest = list.filter((e) => e !== entry); // copy: an emit in progress keeps its snapshot
    if (rest.length) this.#events.set(event, rest);
    else this.#events.delete(event);
    return this;
  }

  #add(event: string, listener: ListenerFunction, once: boolean): this {
    if (typeof listener !== "function") throw new TypeError(`The listener for "${event}" must be a function`);
    const list = this.#events.get(event);
    const entry = { listener, once };
    this.#events.set(event, list ? list.concat(entry) : [entry]); // copy-on-write, see emit()
    return this;
  }
}
