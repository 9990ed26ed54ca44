// The SDK's ECMA-419 TLS socket (examples/io/tcp/tlssocket/tlssocket.js, mapped to
// "embedded:io/socket/tcp/tls" by its manifest), as hosts/moddable/tls.ts uses it. Declared here
// because the typings' version (and mcconfig's, which maps the specifier to the .js file) does not
// say what its constructor takes or that read(view) returns a count. manifest_tls.json maps the
// specifier to this file for type checking in app builds.

declare module "embedded:io/socket/tcp/tls" {
  export interface TLSSocketOptions {
    address?: string;
    port?: number;
    nodelay?: boolean;
    /** An object whose `io` is the TCP class to run TLS over: `new options.TCP.io({...options, callbacks})`. */
    TCP: { io: new (options: any) => object };
    /** ssl/session options: serverName, verify, certificate, clientCertificates, clientKey, … */
    secure?: Record<string, unknown>;
    onReadable?: (count: number) => void;
    onWritable?: (count: number) => void;
    onError?: () => void;
  }
  export default class TLSSocket {
    constructor(options: TLSSocketOptions);
    /** read(view) copies what is there (at most view.byteLength) and returns the count. */
    read(view: ArrayBufferView): number | undefined;
    /** One TLS record (at most 16384 bytes); returns the writable count left. */
    write(data: ArrayBuffer | ArrayBufferView): number;
    close(): void;
    format: "buffer" | "number";
  }
}
