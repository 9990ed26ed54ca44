// The platform specifiers as the XS-simulator host sees them (staged from hosts/xs/sim/).

declare module "embedded:io/socket/tcp" {
  const TCP: new (options: Record<string, unknown>) => object;
  export default TCP;
}
declare module "embedded:io/socket/listener" {
  const Listener: new (options: Record<string, unknown>) => object;
  export default Listener;
}
declare module "timer" {
  const Timer: { set(callback: () => void, ms?: number): object; clear(id: object): void };
  export default Timer;
}
declare module "time" {
  const Time: { readonly ticks: number };
  export default Time;
}
declare module "net" {
  const Net: { resolve(name: string, callback: (name: string, address?: string) => void): void };
  export default Net;
}
declare module "text/encoder" {
  class TextEncoder {
    encodeInto(text: string, dest: Uint8Array): { read: number; written: number };
  }
  export default TextEncoder;
}
declare module "text/decoder" {
  class TextDecoder {
    decode(bytes: Uint8Array): string;
  }
  export default TextDecoder;
}
declare function trace(...values: unknown[]): void;
declare function print(...values: unknown[]): void;
declare function harden<T>(value: T): T;
