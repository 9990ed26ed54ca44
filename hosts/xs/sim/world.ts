// The simulated world one XS scenario runs in: a virtual clock with an ordered event queue, a
// seeded PRNG for every random choice (chunk sizes, latency, fault positions), the network
// settings, and a trace of what happened (a running hash, plus the first lines kept to read).
// Nothing here reads real time or real randomness, so one seed always gives one event sequence.

export interface NetConfig {
  latency: [number, number]; // ms per hop, chosen in [min, max] for each segment
  chunk: [number, number]; // bytes per delivered segment, chosen in [min, max]
  sendBuffer: number; // bytes a socket may have unacknowledged: its writable count (ESP32 lwIP: 8192)
  receiveWindow: number; // unread bytes a socket holds before its peer stalls (slow reader)
}

export const DEFAULT_CONFIG: NetConfig = Object.freeze({
  latency: [0, 3] as [number, number],
  chunk: [1, 1460] as [number, number], // up to one Ethernet segment
  sendBuffer: 8192,
  receiveWindow: 5840, // lwIP TCP_WND (4 * MSS) on the ESP32 build
}) as NetConfig;

export class TimerId {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
}

interface Pending {
  time: number;
  seq: number;
  fn: () => void;
  timer: TimerId | null;
}

const TRACE_KEEP = 400; // trace lines kept for reading; all of them go into the hash

export class World {
  readonly seed: number;
  config: NetConfig;
  now = 0;
  #heap: Pending[] = [];
  #seq = 0;
  #timers = new Map<TimerId, Pending>();
  #nextTimer = 1;
  #hash = 0x811c9dc5;
  traceCount = 0;
  traceLines: string[] = [];
  failure: string | null = null; // an uncaught exception in a callback: a device would abort
  nextPort = 49152; // ephemeral ports, handed out in order
  readonly names = new Map<string, string>(); // host name → IPv4, for the staged `net` module
  readonly blackholes = new Set<number>(); // fault: connects to these ports are never answered
  readonly resetServerAfter = new Map<number, number>(); // fault: accepted sockets reset after n bytes in
  readonly registry: { sockets: Set<object>; listeners: Map<number, object> } = { sockets: new Set(), listeners: new Map() };

  /** `random`: a seeded generator of uniform numbers in [0, 1) (the scenarios' makePrng). */
  constructor(seed: number, random: () => number, config: Partial<NetConfig> = {}) {
    this.seed = seed >>> 0;
    this.random = random;
    this.config = { ...DEFAULT_CONFIG, ...config };
  }

  readonly random: () => number;

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return max <= min ? min : min + Math.floor(this.random() * (max - min + 1));
  }

  latency(): number {
    return this.int(this.config.latency[0], this.config.latency[1]);
  }

  trace(line: string): void {
    const text = `${this.now} ${line}`;
    let h = this.#hash;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    this.#hash = Math.imul(h ^ 10, 0x01000193) >>> 0;
    if (this.traceCount++ < TRACE_KEEP) this.traceLines.push(text);
  }

  get traceHash(): string {
    return (this.#hash >>> 0).toString(16).padStart(8, "0");
  }

  /** Runs `fn` at now + ms (ms ≥ 0), after everything already due at that time. */
  at(ms: number, fn: () => void): void {
    this.#push({ time: this.now + (ms > 0 ? ms : 0), seq: this.#seq++, fn, timer: null });
  }

  setTimer(fn: (id: TimerId) => void, ms: number, interval = 0): TimerId {
    const id = new TimerId(this.#nextTimer++);
    const arm = (delay: number): void => {
      const entry: Pending = {
        time: this.now + (delay > 0 ? delay : 0),
        seq: this.#seq++,
        timer: id,
        fn: () => {
          this.#timers.delete(id);
          if (interval > 0) arm(interval);
          fn(id);
        },
      };
      this.#timers.set(id, entry);
      this.#push(entry);
    };
    arm(ms);
    return id;
  }

  clearTimer(id: unknown): void {
    const entry = this.#timers.get(id as TimerId);
    if (!entry) return;
    this.#timers.delete(id as TimerId);
    entry.timer = null;
    entry.fn = () => {}; // stays in the heap, does nothing
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Runs events in time order until `stop()` is true, nothing is left, or the clock would pass
   * `until`. An exception thrown by a callback stops the run and is kept in `failure`.
   */
  run(stop: () => boolean, until: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && !stop() && this.failure === null) {
      const next = heap[0]!;
      if (next.time > until) {
        this.now = until;
        return;
      }
      this.#pop();
      if (next.time > this.now) this.now = next.time;
      try {
        next.fn();
      } catch (e) {
        this.failure = `uncaught exception in a callback at ${this.now} ms (a device would abort): ${describeError(e)}`;
      }
    }
  }

  #push(entry: Pending): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): Pending {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
