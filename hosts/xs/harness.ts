// Runs scenarios (test/scenarios/*.js) inside XS, each in a fresh simulated World, and prints one
// "@@XS-RESULT <json>" line per scenario and "@@XS-END <count>" at the end: xsnap's exit status
// says nothing reliable, so the runner (hosts/xs/run.js) trusts these lines only.
// The environment handed to a scenario is the one test/scenarios/node-env.js gives on Node.

import { install } from "./sim/current.js";
import { abortSocket, Listener, loseListener, shutdownSocket, TCP } from "./sim/net.js";
import { describeError, World, type NetConfig } from "./sim/world.js";

type Bytes = Uint8Array;

interface Peer {
  write(bytes: Bytes): void;
  end(): void;
  shutdown(): void; // half-close: FIN after what was written; reading goes on
  reset(): void;
  pause(): void;
  resume(): void;
  onData: ((bytes: Bytes) => void) | null;
  onEnd: (() => void) | null;
  readonly received: number;
  readonly remotePort: number;
}

interface Scenario {
  name: string;
  hosts?: string[];
  limit?: number; // virtual ms
  leftovers?: boolean; // true: the scenario leaves sockets or timers open on purpose
  run(env: unknown): void;
}

/** test/scenarios/env-core.js, handed in by the runner: the part of the env both hosts share. */
export interface EnvCore {
  makePrng(seed: number): () => number;
  scenarioEnv(seed: number, fail: (message: string) => never): Record<string, unknown>;
}

export interface RunRequest {
  name: string;
  seed: number;
}

class Failure extends Error {}

const SETTLE = 600000; // virtual ms allowed after done() for deferred events to drain

function runOne(api: Record<string, unknown>, core: EnvCore, scenario: Scenario, seed: number): Record<string, unknown> {
  const world = new World(seed, core.makePrng(seed ^ WORLD_SEED));
  install(world);
  const log: string[] = [];
  const reports: string[] = [];
  const cleanup: (() => void)[] = [];
  let finished = false;
  let failure: string | null = null;
  let result: unknown = null;
  const fail = (message: string): never => {
    if (failure === null) failure = message;
    finished = true;
    throw new Failure(message);
  };
  (globalThis as Record<string, unknown>).trace = (...parts: unknown[]) => {
    const text = parts.join("").replace(/\n$/, "");
    reports.push(text);
    world.trace(`report ${text}`);
  };

  const makePeer = (tcpOptions: Record<string, unknown>, onOpen: ((peer: Peer) => void) | null): Peer => {
    const queue: Bytes[] = [];
    let writable = 0;
    let paused = false;
    let received = 0;
    let tcp: InstanceType<typeof TCP>;
    const flush = (): void => {
      while (queue.length > 0 && writable > 0) {
        const head = queue[0]!;
        const n = Math.min(head.length, writable);
        writable = tcp.write(head.subarray(0, n));
        if (n === head.length) queue.shift();
        else queue[0] = head.subarray(n);
      }
      if (queue.length === 0 && ending) close();
      if (queue.length === 0 && shutting && !closed) {
        shutting = false;
        shutdownSocket(tcp);
      }
    };
    let shutting = false;
    let ending = false;
    let open = false;
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      tcp.close();
    };
    const drain = (): void => {
      if (paused || closed) return;
      const data = tcp.read() as ArrayBuffer | undefined;
      if (!data) return;
      received += data.byteLength;
      peer.onData?.(new Uint8Array(data));
    };
    const peer: Peer = {
      write(bytes) {
        queue.push(bytes.slice());
        if (open) flush();
      },
      end() {
        ending = true;
        if (open) flush();
      },
      shutdown() {
        shutting = true;
        if (open) flush();
      },
      reset() {
        if (closed) return;
        closed = true;
        world.trace("peer reset");
        abortSocket(tcp);
      },
      pause() {
        paused = true;
      },
      resume() {
        paused = false;
        world.at(0, drain);
      },
      onData: null,
      onEnd: null,
      get received() {
        return received;
      },
      get remotePort() {
        return closed ? 0 : (tcp.remotePort as number);
      },
    };
    tcp = new TCP({
      ...tcpOptions,
      onWritable(count: number) {
        writable = count;
        if (!open) {
          open = true;
          onOpen?.(peer);
        }
        flush();
      },
      onReadable() {
        drain();
      },
      onError() {
        if (closed) return;
        drain();
        close();
        peer.onEnd?.();
      },
    });
    cleanup.push(close);
    return peer;
  };

  const env = {
    host: "xs",
    ...api,
    ...core.scenarioEnv(seed, fail),
    log(line: string) {
      log.push(String(line));
      world.trace(`log ${line}`);
    },
    done(value?: unknown) {
      if (finished) return;
      finished = true;
      result = value === undefined ? null : value;
    },
    timer(fn: () => void, ms: number) {
      world.at(ms, fn);
    },
    now: () => world.now,
    reports: () => reports.slice(),
    net: {
      configure(config: Partial<NetConfig>) {
        world.config = { ...world.config, ...config };
      },
      listen(port: number, onPeer: (peer: Peer) => void, onListening: (port: number) => void) {
        const listener = new Listener({
          port,
          onReadable(count: number) {
            for (let i = 0; i < count; i++) {
              const from = listener.read();
              if (!from) return;
              makePeer({ from }, onPeer);
            }
          },
        });
        cleanup.push(() => listener.close());
        const bound = listener.port;
        world.at(0, () => onListening(bound));
        return { close: () => listener.close() };
      },
      connect(port: number, onPeer: (peer: Peer) => void, onRefused?: () => void) {
        let opened = false;
        const peer = makePeer({ address: "127.0.0.1", port }, (p) => {
          opened = true;
          onPeer(p);
        });
        peer.onEnd = () => {
          if (!opened) onRefused?.();
        };
        return peer;
      },
      blackhole(port: number) {
        world.blackholes.add(port);
      },
      loseListener(port: number) {
        loseListener(world, port);
      },
      resetAfter(port: number, bytes: number) {
        world.resetServerAfter.set(port, bytes);
      },
      name(name: string, address: string) {
        world.names.set(name, address);
      },
    },
  };

  try {
    scenario.run(env);
    world.run(() => finished, scenario.limit ?? 120000);
  } catch (e) {
    if (!(e instanceof Failure) && failure === null) failure = `scenario threw: ${describeError(e)}`;
  }
  if (failure === null && world.failure !== null) failure = world.failure;
  if (failure === null && !finished) failure = `did not finish: virtual clock at ${world.now} ms, nothing left to run or limit reached`;
  const leftovers: Record<string, number> = {};
  if (failure === null) {
    for (const close of cleanup) close();
    world.run(() => false, world.now + SETTLE); // deferred "close" events and timers drain
    if (world.failure !== null) failure = world.failure;
    leftovers.timers = world.pendingTimers;
    leftovers.sockets = world.registry.sockets.size;
    leftovers.listeners = world.registry.listeners.size;
    if (failure === null && !scenario.leftovers && (leftovers.timers || leftovers.sockets || leftovers.listeners))
      failure = `left behind after everything was closed: ${leftovers.timers} timers, ${leftovers.sockets} sockets, ${leftovers.listeners} listeners`;
  }
  install(null);
  return {
    name: scenario.name,
    seed,
    ok: failure === null,
    error: failure,
    result,
    log,
    reports,
    virtualTime: world.now,
    traceHash: world.traceHash,
    traceCount: world.traceCount,
    trace: failure === null ? [] : world.traceLines.slice(-80),
    leftovers,
  };
}

const WORLD_SEED = 0x9e3779b9 ^ 0x5bd1e995; // the simulated network draws from a stream of its own

/** Runs each requested (scenario, seed) and prints its result line. */
export function runAll(api: Record<string, unknown>, core: EnvCore, scenarios: Scenario[], requests: RunRequest[]): void {
  const byName = new Map<string, Scenario>();
  for (const s of scenarios) byName.set(s.name, s);
  let count = 0;
  for (const { name, seed } of requests) {
    const scenario = byName.get(name);
    const outcome = scenario
      ? runOne(api, core, scenario, seed)
      : { name, seed, ok: false, error: `no scenario named ${name}` };
    print(`@@XS-RESULT ${JSON.stringify(outcome)}`);
    count++;
  }
  print(`@@XS-END ${count}`);
}
