// TLS for the Moddable host: `moddableSecure(settings)`, the Host.secure of a device. Client only,
// over the SDK's ECMA-419 TLS socket (`embedded:io/socket/tcp/tls`: examples/io/tcp/tlssocket in
// the SDK, TLS 1.2 from modules/crypt/ssl). See docs/tls.md.
//
// Certificates are app resources (a device has no file system paths to give):
// - trustedCACertPath: "" → the SDK's CA store (the ca.ski + caN.der resources the app's manifest
//   takes from $(MODULES)/crypt/data, as the SDK's https examples do); else the name of a resource
//   holding the one CA certificate to trust, DER or PEM.
// - pfxKeyCertPath: a device cannot open PKCS#12. "name" → the resources "name.cert.der" (the
//   client certificate, X.509 DER) and "name.key.der" (its private key, unencrypted PKCS#8 DER);
//   pfxKeyCertPassword is not used.
// - trustAll: no verification at all (Session option verify: false).
//
// Writes: the core writes at most the writable count it was given; the counts given here are the
// TLS socket's (already less its record overhead) and never more than one 16 KiB TLS record.
// A handshake failure (the SDK's TLS throws from inside its socket callbacks) is caught, the
// socket closed, and onError(failure) gets an Error naming the cause.
//
// Nothing is kept at module scope (the module is preloaded, so frozen): each secure() call makes
// its classes.

import TCP from "embedded:io/socket/tcp";
import TLSSocket from "embedded:io/socket/tcp/tls";
import Resource from "Resource";
import Timer from "timer";
import type { SecureSettings, SecureTransport, TCPConstructor, TCPOptions, TCPSocket, BufferLike } from "../../modules/socket/host.js";

/** The largest TLS record's plaintext (2^14): the SDK's TLS throws "too large" above it. */
const MAX_RECORD = 16384;

interface SessionOptions {
  serverName?: string;
  verify: boolean;
  certificate?: ArrayBuffer;
  clientCertificates?: ArrayBuffer[];
  clientKey?: ArrayBuffer;
}

function resource(setting: string, name: string): ArrayBuffer {
  if (!Resource.exists(name)) throw new Error(`${setting}: the app has no resource "${name}" (add it to the manifest's "resources")`);
  return new Resource(name).slice(0); // a RAM copy: the TLS code takes it apart with typed arrays
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The DER bytes of a PEM certificate block's base64 body. */
function fromBase64(text: string): ArrayBuffer {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, "");
  const out = new Uint8Array((clean.length * 3) >> 2);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    value = (value << 6) | B64.indexOf(clean[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out.buffer.slice(0, at);
}

/** The one CA certificate of a resource, DER or PEM (the SDK's TLS takes one per session). */
function caCertificate(name: string): ArrayBuffer {
  const bytes = resource("trustedCACertPath", name);
  const head = new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 64));
  if (String.fromCharCode(...head).indexOf("-----BEGIN") < 0) return bytes; // DER
  let text = "";
  const all = new Uint8Array(bytes);
  for (let i = 0; i < all.length; i++) text += String.fromCharCode(all[i]);
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1)
    throw new Error(`trustedCACertPath "${name}" holds ${blocks.length} PEM certificates; the device's TLS takes exactly one CA (the one that signs the server's certificate)`);
  return fromBase64(blocks[0].slice(27, -25));
}

function sessionOptions(settings: SecureSettings): SessionOptions {
  const options: SessionOptions = { verify: !settings.trustAll };
  // The SDK's TLS matches the name against the certificate's DNS names and IPv4 addresses.
  if (settings.serverName) options.serverName = settings.serverName;
  if (!settings.trustAll && settings.trustedCACertPath) options.certificate = caCertificate(settings.trustedCACertPath);
  if (settings.pfxKeyCertPath) {
    const name = settings.pfxKeyCertPath;
    options.clientCertificates = [resource("pfxKeyCertPath", `${name}.cert.der`)];
    options.clientKey = resource("pfxKeyCertPath", `${name}.key.der`);
  }
  return options;
}

const ALERTS: Record<number, string> = {
  10: "unexpected message", 20: "bad record mac", 40: "handshake failure", 42: "bad certificate",
  43: "unsupported certificate", 44: "certificate revoked", 45: "certificate expired",
  46: "certificate unknown", 47: "illegal parameter", 48: "unknown CA", 49: "access denied",
  50: "decode error", 51: "decrypt error", 70: "protocol version", 71: "insufficient security",
  80: "internal error", 112: "unrecognized name", 116: "certificate required",
};

/** The SDK's TLS errors, in words; `open`: after the handshake. */
function failureMessage(error: unknown, settings: SecureSettings, open: boolean): string {
  const what = error instanceof Error ? error.message : String(error);
  let cause = what;
  const alert = /^alert: (\d+), (\d+)/.exec(what);
  if (/certificate: auth err/.test(what))
    cause = `the server's certificate is refused: not signed by ${settings.trustedCACertPath ? `the CA of "${settings.trustedCACertPath}"` : "a CA of the app's CA store"}, expired, or not for "${settings.serverName}" (${what})`;
  else if (/date validation failed/.test(what)) cause = `expired certificate (${what})`;
  else if (alert) {
    const name = ALERTS[Number(alert[2])] ?? `number ${alert[2]}`;
    const certificate = [40, 116].includes(Number(alert[2])) && !settings.pfxKeyCertPath
      ? ` (if the server requires a client certificate: none was given, pfxKeyCertPath)` : "";
    cause = `the server sent TLS alert ${name}${certificate}`;
  }
  return open ? `TLS: ${cause}` : `TLS handshake failed: ${cause}`;
}

/**
 * Host.secure for Moddable: a TLS TCP class for clients. Throws for a server ("a Moddable device
 * has no TLS server") and for settings naming resources the app lacks.
 */
export function moddableSecure(settings: SecureSettings): SecureTransport {
  if (settings.role === "server") throw new Error("a Moddable device has no TLS server");
  const secure = sessionOptions(settings);

  class TLSTCP implements TCPSocket {
    #socket: TLSSocket | undefined;
    #failed = false;
    #open = false; // the handshake is done (the first onWritable came)
    #onError: ((this: TCPSocket, failure?: unknown) => void) | undefined;
    readonly remoteAddress: string | undefined;
    readonly remotePort: number | undefined;

    constructor(options: TCPOptions) {
      if (options.from) throw new Error("a Moddable device has no TLS server");
      const self = this;
      const { onReadable, onWritable } = options;
      this.#onError = options.onError;
      this.remoteAddress = options.address;
      this.remotePort = options.port;
      // The SDK's TLS socket makes its TCP with `new options.TCP.io(…)`, handing it its own
      // callbacks, which run the handshake and throw when it fails: this class catches that.
      class GuardedTCP {
        constructor(tcpOptions: TCPOptions) {
          const guard = (callback: ((count?: number) => void) | undefined) =>
            function (count?: number) {
              if (self.#failed || !callback) return;
              try {
                callback(count);
              } catch (e) {
                TLSTCP.#fail(self, e);
              }
            };
          return new TCP({
            address: tcpOptions.address!,
            port: tcpOptions.port!,
            nodelay: tcpOptions.nodelay,
            onReadable: guard(tcpOptions.onReadable as (count?: number) => void),
            onWritable: guard(tcpOptions.onWritable as (count?: number) => void),
            onError: guard(tcpOptions.onError as () => void),
          });
        }
      }
      this.#socket = new TLSSocket({
        address: options.address,
        port: options.port,
        nodelay: options.nodelay,
        TCP: { io: GuardedTCP },
        secure: secure as unknown as Record<string, unknown>,
        onReadable(count: number) {
          if (!self.#failed) onReadable?.call(self, count);
        },
        onWritable(count: number) {
          if (self.#failed) return;
          self.#open = true;
          onWritable?.call(self, count < MAX_RECORD ? count : MAX_RECORD);
        },
        onError() {
          if (!self.#failed) self.#onError?.call(self);
        },
      });
    }

    read(view: ArrayBufferView): number | undefined {
      return this.#socket?.read(view);
    }

    /** Never more than one TLS record; returns the writable count left, at most one record. */
    write(data: BufferLike): number {
      const socket = this.#socket;
      if (!socket) throw new Error(this.#failed ? "TLS handshake failed" : "closed");
      if (data.byteLength > MAX_RECORD) throw new Error(`write of ${data.byteLength} bytes: more than one TLS record (${MAX_RECORD})`);
      const left = socket.write(data);
      return left < MAX_RECORD ? left : MAX_RECORD;
    }

    close(): void {
      const socket = this.#socket;
      this.#socket = undefined;
      this.#onError = undefined;
      socket?.close();
    }

    static #fail(self: TLSTCP, error: unknown): void { // static: XS would give every instance a slot for a private method
      if (self.#failed) return;
      self.#failed = true;
      const socket = self.#socket;
      self.#socket = undefined;
      try {
        socket?.close();
      } catch {
        // already closed
      }
      const failure = new Error(failureMessage(error, settings, self.#open));
      Timer.set(() => self.#onError?.call(self, failure), 0);
    }
  }

  return Object.freeze({ TCP: TLSTCP as unknown as TCPConstructor });
}

export default moddableSecure;
