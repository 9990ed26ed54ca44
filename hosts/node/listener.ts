/*
 * ECMA-419 Listener (`embedded:io/socket/listener`) for Node.js over node:net, behaving like
 * Moddable's native one (modules/io/socket/lin/tcp.c and lwip/tcp.c, "Listener" parts).
 *
 * - `port` (also for port 0) is right as soon as the constructor returns, and a bind failure
 *   (port in use, EACCES, no file descriptors) throws from the constructor, with public node:net
 *   APIs only (see listenNow(), exported so that the TLS Listener can bind the same way).
 * - `address` (Node extension; Moddable ignores it) defaults to "0.0.0.0", all IPv4
 *   interfaces, as Moddable binds.
 * - Accepted connections are wrapped at once in callback-less TCP instances that buffer
 *   their input (pausing above 64 KiB), so nothing is lost before a `from` take-over. They are
 *   half-open capable: a peer's FIN ends their input, not their output (see tcp.ts).
 * - onReadable(count): count is all pending connections; called only when new ones arrive.
 * - Running out of file descriptors: when accept() fails for want of one, libuv takes the
 *   connection on a reserved descriptor and closes it at once, and node:net says nothing. So the
 *   Listener caps its connections below the process's open-file limit (net.Server maxConnections,
 *   from /proc/self/limits; none where that cannot be read), leaving room for everything else
 *   the process opens. A connection over the cap is closed by node ("drop"), and read() gives in its
 *   place a refused TCP whose take-over with `from` throws an Error saying why (the SocketServer
 *   reports it as an "error" and goes on serving). A guard, not a guarantee: descriptors used
 *   elsewhere in the process can still run out first.
 * - A method or getter called on anything but a live Listener throws SyntaxError, like XS's
 *   host-object check (a foreign receiver, or after close()).
 */

import dc from "node:diagnostics_channel";
import fs from "node:fs";
import net from "node:net";
import TCP, { refusedTCP, tcpFromSocket } from "./tcp.js";
import { closedError, toAddress, toCallback, toFormat, checkFormat, toPort } from "./io-common.js";

const FORMATS = ["socket/tcp"] as const;
const BACKLOG = 511; // node's default listen backlog

type Callback = (this: Listener, ...args: any[]) => void;

export interface ListenerOptions {
  /** 0 (default) picks an ephemeral port; read it back from `.port`. */
  port?: number;
  /** Node extension: local IP literal to bind; default "0.0.0.0". Ignored by Moddable. */
  address?: string;
  format?: "socket/tcp";
  onReadable?: (this: Listener, count: number) => void;
  /** Node extension: the server failed after construction (gets the Error; Moddable passes nothing). */
  onError?: (this: Listener, failure?: Error) => void;
  target?: unknown;
}

// node publishes a failed bind on this diagnostics_channel (the "net.server.listen" tracing
// channel) inside listen(), before it emits the same Error as "error" on the next tick.
const LISTEN_ERROR = "tracing:net.server.listen:error";

const REASONS: Record<string, string> = {
  EADDRINUSE: "address in use",
  EACCES: "permission denied",
  EADDRNOTAVAIL: "address not available",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
};

/**
 * Binds `server` to the wildcard address on `port` (0: the kernel picks one) before returning,
 * using only public API: net.Server.listen() without a host binds inside the call (only the
 * "listening" event is deferred) on [::] with IPv4 mapped in (dual stack), or on 0.0.0.0 where
 * IPv6 is off. With a host, node resolves it first and binds a tick later, which is why no host
 * is given here. Returns the bind's Error, or undefined when bound.
 */
function bindNow(server: net.Server, port: number, backlog: number): Error | undefined {
  let failure: Error | undefined;
  const onFailure = (message: unknown) => {
    const m = message as { server?: unknown; error?: Error };
    if (m.server === server)
      failure = m.error;
  };
  dc.subscribe(LISTEN_ERROR, onFailure);
  try {
    server.listen({ port, backlog });
  }
  finally {
    dc.unsubscribe(LISTEN_ERROR, onFailure);
  }
  if (server.listening)
    return undefined;
  return failure ?? new Error("bind failed"); // a node without the tracing channel: no reason known
}

/**
 * Makes `server` (a net.Server, or a tls.Server) listen on `address` and `port` so that its port
 * is known when this returns; throws bindError() for a failure found at once. Exported for the
 * TLS Listener. `ipv4Only`: "0.0.0.0" was bound as dual-stack [::], so IPv6 peers are to be dropped.
 *
 * The wildcard addresses are bound inside the call (bindNow). A given address can only be bound a
 * tick later (listen() with a host looks it up first). So a wildcard probe is bound now: it picks
 * the port when 0 was asked and shows that the port is free (a wildcard bind fails if any address
 * holds the port), then is released (its fd is closed inside close()), and the address is bound on
 * that port on the next tick. The port is thus known at once, and "in use" throws here. The cost:
 * a port held on another local address only also counts as in use. A failure of the real bind
 * (another process took the port in between) comes later, as the server's "error".
 */
export function listenNow(server: net.Server, address: string, port: number, backlog = BACKLOG): { port: number; ipv4Only: boolean } {
  if (address === "0.0.0.0" || address === "::") {
    const failure = bindNow(server, port, backlog);
    if (failure) {
      server.close();
      throw bindError(failure, address, port);
    }
    const bound = server.address() as net.AddressInfo;
    return { port: bound.port, ipv4Only: address === "0.0.0.0" && net.isIPv6(bound.address) };
  }
  const probe = net.createServer();
  probe.on("error", () => {}); // its failure is thrown below; node emits it again a tick later
  const failure = bindNow(probe, port, backlog);
  if (failure)
    throw bindError(failure, address, port);
  const picked = (probe.address() as net.AddressInfo).port;
  probe.close();
  server.listen({ port: picked, host: address, backlog });
  return { port: picked, ipv4Only: false };
}

/** The Error thrown for a failed bind: "address in use: 0.0.0.0 port 41113". */
export function bindError(failure: Error, address: string, port: number): Error {
  const code = (failure as NodeJS.ErrnoException).code;
  const reason = (code && REASONS[code]) ?? code ?? failure.message;
  return new Error(`${reason}: ${address} port ${port}`, { cause: failure });
}

export class Listener {
  #server: net.Server | undefined; // undefined once closed
  #pending: TCP[] = [];
  #onReadable: Callback | undefined;
  #onError: Callback | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #newConnections = false;
  #failed = false;
  #failure: Error | undefined;
  #port = 0;
  #ipv4Only = false; // bound [::] for "0.0.0.0": IPv6 peers are dropped
  #maxConnections = 0; // the cap below the open-file limit; 0: none
  declare target: unknown;

  constructor(options: ListenerOptions = {}) {
    if ((options === null) || (typeof options !== "object"))
      throw new TypeError("options required");
    const o = options as Record<string, unknown>;
    const port = ("port" in o) ? toPort(o.port) : 0;
    this.#onReadable = toCallback(o, "onReadable") as Callback | undefined;
    this.#onError = toCallback(o, "onError") as Callback | undefined;
    toFormat(o, "socket/tcp", FORMATS);
    const address = (o.address === undefined) ? "0.0.0.0" : toAddress(o.address);

    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
    server.on("error", (error) => {
      if (!this.#server || this.#failed)
        return; // a bind failure already thrown from the constructor arrives here too: ignored
      this.#failed = true;
      this.#failure = bindError(error, address, this.#port);
      this.#schedule();
    });
    const bound = listenNow(server, address, port, BACKLOG);
    this.#port = bound.port;
    // "0.0.0.0" is bound as [::] dual stack: #accept() drops IPv6 peers, as an IPv4 bind would not see them
    this.#ipv4Only = bound.ipv4Only;
    this.#server = server;
    const limit = openFileLimit();
    if (limit !== undefined) {
      this.#maxConnections = Math.max(1, limit - Math.max(64, Math.floor(limit / 8)));
      server.maxConnections = this.#maxConnections;
      server.on("drop", (info?: { remoteAddress?: string; remotePort?: number }) => this.#refuse(info, limit));
    }
    if ("target" in o)
      this.target = o.target;
  }

  /** The next pending connection as a TCP with no callbacks, or undefined. */
  read(): TCP | undefined {
    Listener.#live(this);
    return this.#pending.shift();
  }

  /** Stop listening; pending connections not yet read are closed. Idempotent. */
  close(): void {
    if ((typeof this !== "object") || (this === null) || !(#server in this))
      throw new SyntaxError("Listener: not a Listener");
    const server = this.#server;
    if (!server)
      return;
    this.#server = undefined;
    this.#onReadable = this.#onError = undefined;
    if (this.#immediate)
      clearImmediate(this.#immediate);
    this.#immediate = undefined;
    server.close();
    for (const tcp of this.#pending.splice(0))
      tcp.close();
  }

  /** The bound port, known from the constructor on. */
  get port(): number {
    Listener.#live(this);
    return this.#port;
  }

  get format(): "socket/tcp" {
    Listener.#live(this);
    return "socket/tcp";
  }

  set format(value: "socket/tcp") {
    Listener.#live(this);
    checkFormat(value, FORMATS);
  }

  // Like XS's host-object check, a foreign receiver (Listener.prototype.read.call("x")) is a
  // SyntaxError too. Static, so that it runs for one (an instance method would be a TypeError first).
  static #live(self: unknown): net.Server {
    if ((typeof self !== "object") || (self === null) || !(#server in self))
      throw new SyntaxError("Listener: not a Listener");
    if (!self.#server)
      throw closedError("Listener");
    return self.#server;
  }

  #accept(socket: net.Socket): void {
    if (!this.#server || (this.#ipv4Only && isPlainIPv6(socket.localAddress))) {
      socket.destroy();
      return;
    }
    this.#pending.push(tcpFromSocket(socket));
    this.#newConnections = true;
    this.#schedule();
  }

  // node closed a connection over maxConnections: report it through read() (see the file comment)
  #refuse(info: { remoteAddress?: string; remotePort?: number } | undefined, limit: number): void {
    if (!this.#server)
      return;
    const peer = info?.remoteAddress ? ` from ${plainPeer(info.remoteAddress)}:${info.remotePort}` : "";
    const reason = new Error(`too many connections for the open-file limit (${limit} descriptors, ${this.#maxConnections} connections at most): the connection${peer} was closed`);
    this.#pending.push(refusedTCP(reason));
    this.#newConnections = true;
    this.#schedule();
  }

  #schedule(): void {
    this.#immediate ??= setImmediate(() => this.#deliver());
  }

  #deliver(): void {
    this.#immediate = undefined;
    if (this.#newConnections) {
      this.#newConnections = false;
      if (this.#pending.length && this.#onReadable) {
        this.#onReadable.call(this, this.#pending.length);
        if (!this.#server)
          return; // closed in the callback
      }
    }
    if (this.#failed && this.#onError) {
      const onError = this.#onError;
      this.#onError = undefined; // at most once
      onError.call(this, this.#failure);
    }
  }
}

let fileLimit: number | null | undefined; // read once: undefined not yet, null unknown

/** The soft limit on open files of this process (Linux), or undefined. */
function openFileLimit(): number | undefined {
  if (fileLimit === undefined) {
    fileLimit = null;
    try {
      const line = fs.readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
      const soft = Number(line?.split(/\s+/)[3]);
      if (Number.isInteger(soft) && soft > 0)
        fileLimit = soft;
    }
    catch {
      // not Linux, or no /proc: no cap
    }
  }
  return fileLimit ?? undefined;
}

function plainPeer(address: string): string {
  return address.toLowerCase().startsWith("::ffff:") ? address.slice(7) : address;
}

/** An IPv6 address that is not an IPv4 one mapped in (::ffff:a.b.c.d). */
function isPlainIPv6(address: string | undefined): boolean {
  return (address !== undefined) && net.isIPv6(address) && !address.toLowerCase().startsWith("::ffff:");
}

export default Listener;
