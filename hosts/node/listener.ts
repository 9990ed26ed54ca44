/*
 * ECMA-419 Listener (`embedded:io/socket/listener`) for Node.js over node:net, behaving like
 * Moddable's native one (modules/io/socket/lin/tcp.c and lwip/tcp.c, "Listener" parts).
 *
 * - Binding is synchronous, so `port` (also for port 0) is right after construction and a
 *   bind failure (port in use, EACCES) throws from the constructor like Moddable's
 *   ("bind socket failed"). node's public listen() binds synchronously only without a host,
 *   and then on "::" (dual stack); to bind a given IPv4/IPv6 address synchronously we use
 *   net.Server's legacy `_listen2` (setupListenHandle). If a future node lacks it we fall
 *   back to listen(), `port` is only known once bound, and a failure calls the `onError()`
 *   extension callback instead of throwing.
 * - `address` (Node extension; Moddable ignores it) defaults to "0.0.0.0", all IPv4
 *   interfaces, as Moddable binds.
 * - Accepted connections are wrapped at once in callback-less TCP instances that buffer
 *   their input (pausing above 64 KiB), so nothing is lost before a `from` take-over.
 * - onReadable(count): count is all pending connections; called only when new ones arrive.
 */

import net from "node:net";
import TCP, { tcpFromSocket } from "./tcp.js";
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
	/** Node extension: the server failed (only asynchronously; see the file comment). */
	onError?: (this: Listener) => void;
	target?: unknown;
}

/** net.Server's legacy synchronous bind (node/lib/net.js setupListenHandle). */
type Listen2 = (address: string, port: number, addressType: number, backlog: number) => void;

export class Listener {
	#server: net.Server | undefined; // undefined once closed
	#pending: TCP[] = [];
	#onReadable: Callback | undefined;
	#onError: Callback | undefined;
	#immediate: NodeJS.Immediate | undefined;
	#newConnections = false;
	#failed = false;
	declare target: unknown;

	constructor(options: ListenerOptions = {}) {
		if ((null === options) || ("object" !== typeof options))
			throw new TypeError("options required");
		const o = options as Record<string, unknown>;
		const port = ("port" in o) ? toPort(o.port) : 0;
		this.#onReadable = toCallback(o, "onReadable") as Callback | undefined;
		this.#onError = toCallback(o, "onError") as Callback | undefined;
		toFormat(o, "socket/tcp", FORMATS);
		const address = (undefined === o.address) ? "0.0.0.0" : toAddress(o.address);

		const server = net.createServer((socket) => this.#accept(socket));
		server.on("error", () => {
			// a bind failure already thrown from the constructor arrives here too: swallow it
			if (!this.#server || this.#failed)
				return;
			this.#failed = true;
			this.#schedule();
		});
		const listen2 = (server as unknown as { _listen2?: Listen2 })._listen2;
		if ("function" === typeof listen2) {
			listen2.call(server, address, port, net.isIP(address), BACKLOG);
			if (!server.listening) {
				this.#failed = true;
				server.close();
				throw new Error(`bind socket failed: ${address} port ${port}`);
			}
		}
		else
			server.listen({ port, host: address, backlog: BACKLOG });
		this.#server = server;
		if ("target" in o)
			this.target = o.target;
	}

	/** The next pending connection as a TCP with no callbacks, or undefined. */
	read(): TCP | undefined {
		this.#live();
		return this.#pending.shift();
	}

	/** Stop listening; pending connections not yet read are closed. Idempotent. */
	close(): void {
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

	/** The bound port (0 only in the asynchronous fallback, before binding completes). */
	get port(): number {
		const address = this.#live().address();
		return (address && ("object" === typeof address)) ? address.port : 0;
	}

	get format(): "socket/tcp" {
		this.#live();
		return "socket/tcp";
	}

	set format(value: "socket/tcp") {
		this.#live();
		checkFormat(value, FORMATS);
	}

	#live(): net.Server {
		if (!this.#server)
			throw closedError("Listener");
		return this.#server;
	}

	#accept(socket: net.Socket): void {
		if (!this.#server) {
			socket.destroy();
			return;
		}
		this.#pending.push(tcpFromSocket(socket));
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
			onError.call(this);
		}
	}
}

export default Listener;
