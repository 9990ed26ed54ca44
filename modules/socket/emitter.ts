// A small EventEmitter with Node's semantics (Moddable has none): listeners run in the order
// added; emit() works on a snapshot, so adding or removing listeners while emitting affects
// only later emits; once() listeners are removed before they run. Two departures, for code that
// runs inside a network stack: an "error" nobody listens to goes to `unhandledError`, and a
// listener that throws goes to `listenerFailed` (subclasses report both through their host
// instead of throwing; the base class rethrows).
//
// Sized for a device, where every connection is one: the listeners of an event are one function
// (most events have one listener) or a list of them, kept in an object without a prototype
// (an XS Map and one record per listener cost several times as much heap); a once() listener is
// the one kind that gets a record.

export type ListenerFunction = (...args: any[]) => void;

/** A once() listener. */
class Once {
  constructor(readonly listener: ListenerFunction) {}
}

type Item = ListenerFunction | Once;
type Listeners = Item | Item[]; // an array is never changed in place: emit() may be walking it

const fn = (item: Item): ListenerFunction => (item instanceof Once ? item.listener : item);

export class EventEmitter {
  #events: Record<string, Listeners> = Object.create(null);
  #calling: ListenerFunction | null = null; // the listener dispatch() calls, as a method of this

  on(event: string, listener: ListenerFunction): this {
    return EventEmitter.#add(this, event, listener, listener);
  }

  addListener(event: string, listener: ListenerFunction): this {
    return EventEmitter.#add(this, event, listener, listener);
  }

  once(event: string, listener: ListenerFunction): this {
    return EventEmitter.#add(this, event, listener, new Once(listener));
  }

  /** Removes the most recently added registration of `listener`, as Node does. */
  off(event: string, listener: ListenerFunction): this {
    const list = this.#events[event];
    if (list === undefined) return this;
    if (!Array.isArray(list)) return fn(list) === listener ? EventEmitter.#remove(this, event, list) : this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (fn(list[i]!) === listener) return EventEmitter.#remove(this, event, list[i]!);
    }
    return this;
  }

  removeListener(event: string, listener: ListenerFunction): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.#events = Object.create(null);
    else delete this.#events[event];
    return this;
  }

  listenerCount(event: string): number {
    const list = this.#events[event];
    return list === undefined ? 0 : Array.isArray(list) ? list.length : 1;
  }

  listeners(event: string): ListenerFunction[] {
    const list = this.#events[event];
    return list === undefined ? [] : Array.isArray(list) ? list.map(fn) : [fn(list)];
  }

  /** Calls the listeners of `event`; returns whether there were any. */
  emit(event: string, ...args: unknown[]): boolean {
    if (args.length <= 2) return this.dispatch(event, args[0], args[1]);
    const list = EventEmitter.#listFor(this, event, args[0]);
    if (list === undefined) return false;
    const n = Array.isArray(list) ? list.length : 1;
    for (let i = 0; i < n; i++) {
      const item = Array.isArray(list) ? list[i]! : list;
      if (item instanceof Once) EventEmitter.#remove(this, event, item);
      try {
        fn(item).apply(this, args);
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
    const list = EventEmitter.#listFor(this, event, a);
    if (list === undefined) return false;
    const n = Array.isArray(list) ? list.length : 1;
    for (let i = 0; i < n; i++) {
      const item = Array.isArray(list) ? list[i]! : list;
      if (item instanceof Once) {
        EventEmitter.#remove(this, event, item);
        this.#calling = item.listener;
      } else {
        this.#calling = item;
      }
      try {
        this.#calling(a, b); // `this` is the emitter, as with Node's emit()
      } catch (e) {
        this.listenerFailed(event, e);
      }
    }
    return true;
  }

  // The listeners of `event`, or undefined (an "error" nobody listens to goes to unhandledError).
  static #listFor(self: EventEmitter, event: string, a: unknown): Listeners | undefined {
    const list = self.#events[event];
    if (list === undefined && event === "error") self.unhandledError(a);
    return list;
  }

  /** Where an "error" with no listener goes. Subclasses report it through their host. */
  protected unhandledError(error: unknown): void {
    throw error instanceof Error ? error : new Error(String(error));
  }

  /** Where an exception thrown by a listener goes. Subclasses report it and go on. */
  protected listenerFailed(_event: string, error: unknown): void {
    throw error;
  }

  static #remove<T extends EventEmitter>(self: T, event: string, item: Item): T {
    const list = self.#events[event];
    if (list === undefined) return self;
    if (!Array.isArray(list)) {
      if (list === item) delete self.#events[event];
      return self;
    }
    const at = list.lastIndexOf(item); // the last registration, as Node removes
    if (at < 0) return self;
    const rest = list.slice(0, at).concat(list.slice(at + 1)); // a copy: an emit in progress keeps its snapshot
    if (rest.length === 0) delete self.#events[event];
    else self.#events[event] = rest.length === 1 ? rest[0]! : rest;
    return self;
  }

  static #add<T extends EventEmitter>(self: T, event: string, listener: ListenerFunction, item: Item): T {
    if (typeof listener !== "function") throw new TypeError(`The listener for "${event}" must be a function`);
    const list = self.#events[event];
    if (list === undefined) self.#events[event] = item;
    else self.#events[event] = Array.isArray(list) ? list.concat([item]) : [list, item]; // copy-on-write, see emit()
    return self;
  }
}
