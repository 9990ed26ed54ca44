/*
 * TLS for the Node host: `secure(settings)` gives ECMA-419-style classes that speak TLS over
 * node:tls, bound to the settings (Host.secure, see modules/socket/host.ts and docs/tls.md).
 *
 * - The TCP class connects, runs the handshake and only then behaves as the plain Node TCP
 *   (hosts/node/tcp.ts) over the TLS socket: the first onWritable comes after the handshake, and
 *   from then on writable counts, backpressure, onReadable counts and onError after buffered data
 *   are the plain TCP's, because it *is* a plain TCP taken over (`from`) a tls.TLSSocket.
 * - A handshake failure reaches onError(failure) with an Error whose message names the cause
 *   ("TLS handshake failed: unknown CA: …"). TLS errors after the handshake (an alert) get a
 *   clear message the same way; plain socket errors keep node's.
 * - The Listener is a tls.Server bound synchronously like hosts/node/listener.ts. A connection is
 *   handed out (onReadable / read()) only once its handshake succeeded. A handshake that failed
 *   is handed out too, as an instance that throws its failure when taken over with `from`, so the
 *   SocketServer emits "error": "SocketServer could not accept a connection: TLS handshake with
 *   A:P failed: <cause>".
 * - node:tls also trusts the CA certificates found inside a PKCS#12 bundle. When a bundle is
 *   given, the peer's chain must in addition contain a certificate of trustedCACertPath (or of
 *   node's root CAs when none is given), so only what trustedCACertPath names is trusted.
 */

import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import type { ListenerConstructor, SecureSettings, SecureTransport, TCPConstructor } from "../../modules/socket/host.js";
import { checkFormat, closedError, toAddress, toCallback, toFormat, toPort } from "./io-common.js";
import TCP, { tcpFromSocket } from "./tcp.js";

export type { SecureSettings, SecureTransport } from "../../modules/socket/host.js";

type Format = "buffer" | "number";
const FORMATS = ["buffer", "number"] as const;
const LISTENER_FORMATS = ["socket/tcp"] as const;
const BACKLOG = 511;

/** What every connection made from one `secure()` call shares (made by secure()). */
export interface Profile {
  readonly role: "client" | "server";
  readonly context: tls.SecureContext;
  /** What the context was made from (a tls.Server builds its own context from these). */
  readonly contextOptions: tls.SecureContextOptions;
  readonly serverName: string;
  readonly trustAll: boolean;
  readonly clientAuth: "none" | "request" | "required";
  readonly hasPfx: boolean;
  /** SHA-256 fingerprints a peer's chain must contain (see the file comment); undefined: no extra check. */
  readonly anchors: ReadonlySet<string> | undefined;
  readonly trustedFrom: string; // for messages: where the trusted CAs come from
}

// ---- settings ----

function readSetting(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new Error(`cannot read ${name} "${path}": ${why}`);
  }
}

/** The certificates of a PEM file, each checked; an Error naming the file otherwise. */
function readCAs(path: string): string[] {
  const text = readSetting("trustedCACertPath", path).toString("latin1");
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`trustedCACertPath "${path}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (e) {
      throw new Error(`trustedCACertPath "${path}": certificate ${i + 1} of ${blocks.length} cannot be parsed (${(e as Error).message})`);
    }
  });
  return blocks;
}

let rootFingerprints: Set<string> | undefined;
function rootAnchors(): Set<string> {
  rootFingerprints ??= new Set(tls.rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  return rootFingerprints;
}

function makeProfile(settings: SecureSettings): Profile {
  const { role, pfxKeyCertPath, trustedCACertPath } = settings;
  if (role !== "client" && role !== "server") throw new Error(`unknown TLS role ${String(role)}`);
  if (role === "server" && !pfxKeyCertPath)
    throw new Error("a TLS server needs pfxKeyCertPath (a PKCS#12 file with its private key and certificate)");
  const clientAuth = role === "server" ? settings.clientAuth : "none";
  if (clientAuth !== "none" && !trustedCACertPath)
    throw new Error(`clientAuth "${clientAuth}" needs trustedCACertPath (the CAs that sign client certificates)`);
  const verifying = role === "server" ? clientAuth !== "none" : !settings.trustAll;
  const cas = trustedCACertPath && verifying ? readCAs(trustedCACertPath) : undefined;
  const pfx = pfxKeyCertPath ? readSetting("pfxKeyCertPath", pfxKeyCertPath) : undefined;
  const contextOptions: tls.SecureContextOptions = {
    ...(cas ? { ca: cas } : {}),
    ...(pfx ? { pfx, passphrase: settings.pfxKeyCertPassword } : {}),
  };
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext(contextOptions);
  } catch (e) {
    const message = (e as Error).message;
    if (pfx && /mac verify failure|bad decrypt|invalid password|wrong password/i.test(message))
      throw new Error(`pfxKeyCertPath "${pfxKeyCertPath}": wrong pfxKeyCertPassword (the PKCS#12 file cannot be opened with it)`);
    if (pfx) throw new Error(`pfxKeyCertPath "${pfxKeyCertPath}" is not a usable PKCS#12 file with a key and certificate (${opensslReason(message)})`);
    throw new Error(`cannot use the TLS settings: ${opensslReason(message)}`);
  }
  const anchors = verifying && pfx
    ? (cas ? new Set(cas.map((pem) => new X509Certificate(pem).fingerprint256)) : rootAnchors())
    : undefined;
  return Object.freeze({
    role,
    context,
    contextOptions,
    serverName: settings.serverName,
    trustAll: settings.trustAll,
    clientAuth,
    hasPfx: !!pfx,
    anchors,
    trustedFrom: trustedCACertPath ? `trustedCACertPath "${trustedCACertPath}"` : "node's root CAs",
  });
}

// ---- failures, in words ----

/** "tlsv13 alert certificate required" out of OpenSSL's "…:SSL routines:fn:reason:file:line:…". */
function opensslReason(message: string): string {
  const m = /:(?:SSL|[A-Za-z0-9 ]+) routines:[^:]*:([^:]+)/.exec(message);
  return (m ? m[1] : message.split("\n")[0]).trim();
}

const UNKNOWN_CA = new Set([
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_UNTRUSTED", "CERT_SIGNATURE_FAILURE",
]);

/** A verification result code (node's authorizationError / error.code) in words. */
function verifyCause(code: string, whose: string, profile: Profile): string | undefined {
  if (UNKNOWN_CA.has(code)) return `unknown CA: ${whose} certificate is not signed by a CA of ${profile.trustedFrom} (${code})`;
  if (code === "CERT_HAS_EXPIRED") return `expired certificate: ${whose} certificate has expired (${code})`;
  if (code === "CERT_NOT_YET_VALID") return `${whose} certificate is not valid yet (${code})`;
  if (code === "CERT_REVOKED") return `${whose} certificate is revoked (${code})`;
  if (code === "INVALID_PURPOSE") return `${whose} certificate is not meant for this use (extended key usage; ${code})`;
  return undefined;
}

const PEER_ALERTS: Record<string, string> = {
  unknown_ca: "unknown CA",
  certificate_expired: "expired certificate",
  bad_certificate: "bad certificate",
  certificate_unknown: "certificate unknown",
  unsupported_certificate: "unsupported certificate",
  certificate_revoked: "certificate revoked",
  decrypt_error: "decrypt error",
  access_denied: "access denied",
};

/**
 * The cause of a TLS failure in words, or undefined for an error that is not TLS's (a reset:
 * its node message is kept). `handshake`: the failure came before the handshake completed.
 */
function tlsCause(error: NodeJS.ErrnoException & { reason?: string }, profile: Profile, handshake: boolean): string | undefined {
  const code = error.code ?? "";
  const peer = profile.role === "client" ? "the server" : "the client";
  const whose = profile.role === "client" ? "the server's" : "the client's";
  const byCode = verifyCause(code, whose, profile);
  if (byCode) return byCode;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return `host name mismatch: the server's certificate is not for "${profile.serverName}" (${error.reason ?? error.message})`;
  if (code === "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE")
    return `client certificate required and absent: the client gave no certificate (clientAuth "required")`;
  if (code === "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" || (code === "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" && profile.role === "client" && !profile.hasPfx))
    return `client certificate required and absent: ${peer} requires a client certificate and none was given (pfxKeyCertPath)` +
      (code === "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" ? " — or it refused the handshake for another reason (TLS alert handshake failure)" : "");
  if (/^ERR_SSL_(WRONG_VERSION_NUMBER|HTTP_REQUEST|HTTPS_PROXY_REQUEST|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LAYER_FAILURE)$/.test(code))
    return `${peer} does not speak TLS (${opensslReason(error.message)})`;
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/.exec(code);
  if (alert) {
    const name = alert[1].toLowerCase();
    const words = PEER_ALERTS[name];
    if (words) return `${peer} rejected ${profile.role === "client" ? "our client" : "our"} certificate: ${words} (TLS alert ${name.replace(/_/g, " ")})`;
    return `${peer} sent TLS alert ${name.replace(/_/g, " ")}`;
  }
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) return `${opensslReason(error.message)} (${code})`;
  if (handshake && (code === "ECONNRESET" || code === "EPIPE" || /socket hang up|disconnected before secure TLS/.test(error.message)))
    return `${peer} closed the connection during the TLS handshake` +
      (profile.role === "server" ? " (a client that rejects our certificate does that)" : "");
  if (handshake && code === "ERR_TLS_HANDSHAKE_TIMEOUT") return "the TLS handshake timed out";
  return undefined;
}

/** Words for a failed handshake, for any error; `where` is "" (client) or " with A:P" (server). */
function handshakeMessage(error: Error, profile: Profile, where: string): string {
  return `TLS handshake${where} failed: ${tlsCause(error, profile, true) ?? error.message}`;
}

/** The peer chain (as node built it, up to a trust anchor) holds one of `anchors`. */
function chainAnchored(socket: tls.TLSSocket, anchors: ReadonlySet<string>): boolean {
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    if (anchors.has(cert.fingerprint256)) return true;
    seen.add(cert.fingerprint256);
    cert = cert.issuerCertificate;
  }
  return false;
}

function hasPeerCertificate(socket: tls.TLSSocket): boolean {
  const cert = socket.getPeerCertificate();
  return !!cert && Object.keys(cert).length > 0;
}

/**
 * Why a completed handshake is not acceptable (extra checks of this module), or undefined.
 * Client: the server's chain ends in trustedCACertPath. Server: the client's certificate, when
 * one was given or is required, is trusted.
 */
function afterHandshake(socket: tls.TLSSocket, profile: Profile): string | undefined {
  if (profile.role === "client") {
    if (profile.trustAll || !profile.anchors || chainAnchored(socket, profile.anchors)) return undefined;
    return `unknown CA: the server's certificate is not signed by a CA of ${profile.trustedFrom} (only by a CA inside the PKCS#12 bundle, which is not trusted)`;
  }
  if (profile.clientAuth === "none") return undefined;
  if (!hasPeerCertificate(socket)) // "request": none is fine ("required" never gets here without one)
    return profile.clientAuth === "required" ? `client certificate required and absent (clientAuth "required")` : undefined;
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? "UNKNOWN");
    return verifyCause(code, "the client's", profile) ?? `the client's certificate is not trusted (${code})`;
  }
  if (profile.anchors && !chainAnchored(socket, profile.anchors))
    return `unknown CA: the client's certificate is not signed by a CA of ${profile.trustedFrom} (only by a CA inside our PKCS#12 bundle, which is not trusted)`;
  return undefined;
}

// ---- the TCP class ----

type Callback = (this: SecureTCP, ...args: any[]) => void;

export interface SecureTCPOptions {
  address?: string;
  port?: number;
  /** An instance of a TLS TCP class (from the TLS Listener, or to move one to new callbacks). */
  from?: object;
  nodelay?: boolean;
  noDelay?: boolean;
  keepalive?: boolean;
  keepAlive?: boolean;
  format?: Format;
  /** Node extension, as for the plain TCP: the emulated send buffer (default 65536). */
  writeBufferSize?: number;
  onReadable?: (this: SecureTCP, count: number) => void;
  onWritable?: (this: SecureTCP, count: number) => void;
  onError?: (this: SecureTCP, failure?: Error) => void;
  target?: unknown;
}

/**
 * One TLS connection and what moves with it when another instance takes it over: the TLS socket
 * and, once the handshake is done, the callback-less plain TCP over it (or the failure).
 */
class Session {
  readonly socket: tls.TLSSocket;
  readonly profile: Profile;
  tcp: TCP | undefined = undefined; // after a successful handshake, until an owner takes it
  failure: Error | undefined = undefined; // the handshake failed
  settled = false;
  tcpConnected: boolean; // the TCP connection is up (a client's failure before it is not TLS's)
  notify: (() => void) | undefined = undefined; // the owner, told once when settled
  remoteAddress: string | undefined;
  remotePort: number | undefined;

  constructor(socket: tls.TLSSocket, profile: Profile, remoteAddress?: string, remotePort?: number) {
    this.socket = socket;
    this.profile = profile;
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
    this.tcpConnected = profile.role === "server";
    socket.once("connect", () => (this.tcpConnected = true));
    // First listener: TLS errors get their cause in words before anyone sees them.
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (!this.settled) {
        this.fail(error);
        return;
      }
      const cause = tlsCause(error, profile, false);
      if (cause) error.message = `TLS: ${cause}`;
    });
    socket.on("close", () => {
      if (!this.settled) this.fail(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    });
  }

  /** The handshake succeeded: check what this module checks, then wrap the socket. */
  ready(): void {
    if (this.settled) return;
    const refused = afterHandshake(this.socket, this.profile);
    if (refused) {
      this.fail(new Error(refused), true);
      return;
    }
    this.settled = true;
    this.remoteAddress = this.socket.remoteAddress !== undefined ? plainAddress(this.socket.remoteAddress) : this.remoteAddress;
    this.remotePort = this.socket.remotePort ?? this.remotePort;
    this.tcp = tcpFromSocket(this.socket);
    this.notify?.();
  }

  fail(error: Error, worded = false): void {
    if (this.settled) return;
    this.settled = true;
    const where = this.profile.role === "server" ? ` with ${this.remoteAddress ?? "?"}:${this.remotePort ?? "?"}` : "";
    const tcpLevel = !this.tcpConnected; // refused, unreachable: not TLS's
    const message = worded ? `TLS handshake${where} failed: ${error.message}`
      : tcpLevel ? error.message : handshakeMessage(error, this.profile, where);
    this.failure = Object.assign(new Error(message), { code: (error as NodeJS.ErrnoException).code });
    this.socket.destroy();
    this.notify?.();
  }
}

function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

const kAccepted = Symbol("accepted TLS session");

/** The TLS TCP class; `secure()` returns a subclass bound to its settings. */
export class SecureTCP {
  #session: Session | undefined; // undefined once closed or taken over
  #tcp: TCP | undefined; // the plain TCP over the TLS socket, once the handshake is done
  #format: Format = "buffer";
  #onReadable: Callback | undefined;
  #onWritable: Callback | undefined;
  #onError: Callback | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #writeBufferSize: number | undefined;
  declare target: unknown;

  constructor(options: SecureTCPOptions, profile?: Profile) {
    if (options === null || typeof options !== "object") throw new TypeError("options required");
    const o = options as Record<string | symbol, unknown>;
    const accepted = o[kAccepted];
    if (accepted instanceof Session) { // made by the Listener: no callbacks, waits to be taken over
      this.#session = accepted;
      return;
    }
    // the same checks, in the same order, as the plain TCP
    this.#format = toFormat(o, "buffer", FORMATS);
    this.#onReadable = toCallback(o, "onReadable") as Callback | undefined;
    this.#onWritable = toCallback(o, "onWritable") as Callback | undefined;
    this.#onError = toCallback(o, "onError") as Callback | undefined;
    const noDelay = "nodelay" in o ? o.nodelay : o.noDelay;
    const keepAlive = "keepalive" in o ? o.keepalive : o.keepAlive;
    if (o.writeBufferSize !== undefined) {
      const size = Number(o.writeBufferSize);
      if (!Number.isInteger(size) || size < 1) throw new RangeError("invalid writeBufferSize");
      this.#writeBufferSize = size;
    }
    if ("target" in o) this.target = o.target;

    let session: Session;
    if ("from" in o) {
      const from = o.from;
      if (typeof from !== "object" || from === null || !(#session in from) || !from.#session)
        throw new SyntaxError("invalid from"); // like XS: not a live TLS TCP
      session = from.#session;
      if (session.failure) {
        from.close();
        throw new Error(session.failure.message); // a failed handshake handed out by the Listener
      }
      if (from.#tcp) { // an owned, established connection: move its plain TCP over
        session.tcp = new TCP({ from: from.#tcp });
      }
      from.#detach();
    } else {
      if (!profile) throw new TypeError("TLS settings required: use the class that secure() returns");
      if (profile.role !== "client") throw new Error("a TLS server's TCP class only takes over accepted connections (from)");
      const address = toAddress(o.address);
      const port = toPort(o.port);
      const socket = tls.connect({
        host: address,
        port,
        secureContext: profile.context,
        ...(net.isIP(profile.serverName) || !profile.serverName ? {} : { servername: profile.serverName }),
        rejectUnauthorized: !profile.trustAll,
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(profile.serverName || address, cert),
      });
      session = new Session(socket, profile, address, port);
      socket.once("secureConnect", () => session.ready());
    }
    if (noDelay !== undefined) session.socket.setNoDelay(Boolean(noDelay));
    if (keepAlive !== undefined) session.socket.setKeepAlive(Boolean(keepAlive));
    this.#own(session);
  }

  /** Stops every callback and closes (gracefully once connected, like the plain TCP). */
  close(): void {
    const session = this.#session;
    if (!session) return;
    const tcp = this.#tcp ?? session.tcp;
    this.#detach();
    session.notify = undefined;
    if (tcp) tcp.close();
    else session.socket.destroy();
  }

  read(): ArrayBuffer | number | undefined;
  read(count: number): ArrayBuffer | undefined;
  read(view: ArrayBuffer | ArrayBufferView): number | undefined;
  read(...args: unknown[]): ArrayBuffer | number | undefined {
    this.#live();
    const tcp = this.#tcp;
    if (!tcp) return undefined; // nothing is readable before the handshake is done
    return (tcp.read as (...a: unknown[]) => ArrayBuffer | number | undefined)(...args);
  }

  /** As the plain TCP: throws "not ready" before the handshake is done, "would block" over the writable count. */
  write(data: ArrayBuffer | ArrayBufferView | number): number {
    const session = this.#live();
    const tcp = this.#tcp;
    if (!tcp) throw session.failure ? new Error(session.failure.message) : new Error("not ready");
    return tcp.write(data);
  }

  get remoteAddress(): string | undefined {
    return this.#tcp?.remoteAddress ?? this.#live().remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#tcp?.remotePort ?? this.#live().remotePort;
  }

  get format(): Format {
    this.#live();
    return this.#format;
  }

  set format(value: Format) {
    this.#live();
    this.#format = checkFormat(value, FORMATS);
    if (this.#tcp) this.#tcp.format = this.#format;
  }

  #live(): Session {
    if (!this.#session) throw closedError("TCP");
    return this.#session;
  }

  #own(session: Session): void {
    this.#session = session;
    if (session.settled) this.#settled(session);
    else session.notify = () => this.#settled(session);
  }

  #detach(): void {
    if (this.#session) this.#session.notify = undefined;
    this.#session = undefined;
    this.#tcp = undefined;
    this.#onReadable = this.#onWritable = this.#onError = undefined;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }

  /** The handshake is over: take the plain TCP over with our callbacks, or report the failure. */
  #settled(session: Session): void {
    session.notify = undefined;
    if (this.#session !== session) return;
    if (session.failure) {
      const failure = session.failure;
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        if (this.#session === session) this.#onError?.call(this, failure);
      });
      return;
    }
    const from = session.tcp!;
    session.tcp = undefined;
    const self = this;
    // The plain TCP's take-over reports, from a later task, what is there: onWritable (connected),
    // onReadable for bytes already received, onError if the peer already went.
    this.#tcp = new TCP({
      from,
      format: this.#format,
      ...(this.#writeBufferSize !== undefined ? { writeBufferSize: this.#writeBufferSize } : {}),
      onReadable(count: number) {
        self.#onReadable?.call(self, count);
      },
      onWritable(count: number) {
        self.#onWritable?.call(self, count);
      },
      onError(failure?: Error) {
        self.#onError?.call(self, failure);
      },
    });
  }

}

// ---- the Listener ----

type ListenerCallback = (this: SecureListener, ...args: any[]) => void;

export interface SecureListenerOptions {
  port?: number;
  /** Node extension: local IP literal to bind; default "0.0.0.0" (as the plain Listener). */
  address?: string;
  format?: "socket/tcp";
  /** count: connections whose handshake is over (failed ones included: they throw when taken over). */
  onReadable?: (this: SecureListener, count: number) => void;
  onError?: (this: SecureListener) => void;
  target?: unknown;
}

type Listen2 = (address: string, port: number, addressType: number, backlog: number) => void;

/** The TLS Listener class; `secure()` returns a subclass bound to its settings. */
export class SecureListener {
  #server: tls.Server | undefined;
  #pending: SecureTCP[] = [];
  #onReadable: ListenerCallback | undefined;
  #onError: ListenerCallback | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #arrived = false;
  #failed = false;
  declare target: unknown;

  constructor(options: SecureListenerOptions, profile?: Profile) {
    if (options === null || typeof options !== "object") throw new TypeError("options required");
    if (!profile || profile.role !== "server") throw new TypeError("TLS server settings required: use the class that secure() returns");
    const o = options as Record<string, unknown>;
    const port = "port" in o ? toPort(o.port) : 0;
    this.#onReadable = toCallback(o, "onReadable") as ListenerCallback | undefined;
    this.#onError = toCallback(o, "onError") as ListenerCallback | undefined;
    toFormat(o, "socket/tcp", LISTENER_FORMATS);
    const address = o.address === undefined ? "0.0.0.0" : toAddress(o.address);

    const server = tls.createServer({
      ...profile.contextOptions,
      requestCert: profile.clientAuth !== "none",
      // "required": OpenSSL refuses a client without a certificate, with an alert the client sees.
      // "request": a client without one is fine; one with an untrusted certificate is refused below.
      rejectUnauthorized: profile.clientAuth === "required",
    });
    // A failed handshake's socket is destroyed and no longer knows its peer: keep it from the start.
    const peers = new WeakMap<net.Socket, readonly [string | undefined, number | undefined]>();
    const where = (socket: tls.TLSSocket) => {
      const raw = (socket as { _parent?: net.Socket })._parent; // node:tls's TLSSocket over the accepted socket
      const known = raw ? peers.get(raw) : undefined;
      return known ?? [socket.remoteAddress && plainAddress(socket.remoteAddress), socket.remotePort] as const;
    };
    server.on("connection", (raw: net.Socket) => {
      if (!this.#server) raw.destroy();
      else peers.set(raw, [raw.remoteAddress && plainAddress(raw.remoteAddress), raw.remotePort]);
    });
    server.on("secureConnection", (socket: tls.TLSSocket) => {
      const [host, remotePort] = where(socket);
      const session = new Session(socket, profile, host, remotePort);
      session.ready();
      this.#arrive(session);
    });
    server.on("tlsClientError", (error: Error, socket: tls.TLSSocket) => {
      const [host, remotePort] = where(socket);
      const session = new Session(socket, profile, host, remotePort);
      const code = socket.authorizationError; // "required": node refused an untrusted certificate after the handshake
      if (code) session.fail(new Error(verifyCause(String(code), "the client's", profile) ?? `the client's certificate is not trusted (${String(code)})`), true);
      else session.fail(error);
      this.#arrive(session);
    });
    server.on("error", () => {
      if (!this.#server || this.#failed) return;
      this.#failed = true;
      this.#schedule();
    });
    const listen2 = (server as unknown as { _listen2?: Listen2 })._listen2;
    if (typeof listen2 === "function") { // bind synchronously, as hosts/node/listener.ts does
      listen2.call(server, address, port, net.isIP(address), BACKLOG);
      if (!server.listening) {
        this.#failed = true;
        server.close();
        throw new Error(`bind socket failed: ${address} port ${port}`);
      }
    } else server.listen({ port, host: address, backlog: BACKLOG });
    this.#server = server;
    if ("target" in o) this.target = o.target;
  }

  /** The next connection whose handshake is over, as a TLS TCP to take over with `from`; or undefined. */
  read(): SecureTCP | undefined {
    this.#live();
    return this.#pending.shift();
  }

  close(): void {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#onReadable = this.#onError = undefined;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    server.close();
    for (const tcp of this.#pending.splice(0)) tcp.close();
  }

  get port(): number {
    const address = this.#live().address();
    return address && typeof address === "object" ? address.port : 0;
  }

  get format(): "socket/tcp" {
    this.#live();
    return "socket/tcp";
  }

  set format(value: "socket/tcp") {
    this.#live();
    checkFormat(value, LISTENER_FORMATS);
  }

  #live(): tls.Server {
    if (!this.#server) throw closedError("Listener");
    return this.#server;
  }

  #arrive(session: Session): void {
    if (!this.#server) {
      session.socket.destroy();
      return;
    }
    this.#pending.push(new SecureTCP({ [kAccepted]: session } as SecureTCPOptions));
    this.#arrived = true;
    this.#schedule();
  }

  #schedule(): void {
    this.#immediate ??= setImmediate(() => this.#deliver());
  }

  #deliver(): void {
    this.#immediate = undefined;
    if (this.#arrived) {
      this.#arrived = false;
      if (this.#pending.length && this.#onReadable) {
        this.#onReadable.call(this, this.#pending.length);
        if (!this.#server) return;
      }
    }
    if (this.#failed && this.#onError) {
      const onError = this.#onError;
      this.#onError = undefined;
      onError.call(this);
    }
  }
}

/**
 * Host.secure for Node: TLS classes bound to the settings. Throws an Error saying why for settings
 * that cannot work (a missing or unreadable file, a wrong password, a server without a key).
 */
export function secure(settings: SecureSettings): SecureTransport {
  const profile = makeProfile(settings);
  const TLSTCP = class TLSTCP extends SecureTCP {
    constructor(options: SecureTCPOptions) {
      super(options, profile);
    }
  };
  if (profile.role === "client") return Object.freeze({ TCP: TLSTCP as unknown as TCPConstructor });
  const TLSListener = class TLSListener extends SecureListener {
    constructor(options: SecureListenerOptions) {
      super(options, profile);
    }
  };
  return Object.freeze({ TCP: TLSTCP as unknown as TCPConstructor, Listener: TLSListener as unknown as ListenerConstructor });
}

export default secure;
