// The result lines the device tier (test/device/run.js) reads: "PASS <name>", "FAIL <name> <why>",
// "FIGURE <key> <value> <unit>", "MARK <name>", and last "DONE <failures>". Cases run one after
// the other, each with a time limit; a case that neither passes nor fails in time fails.

import Timer from "timer";

export type Case = (t: Test) => void;

export interface Test {
  pass(detail?: string): void;
  fail(why: string): void;
  /** pass() if ok, else fail() with the expected and actual values. */
  check(ok: boolean, expected: unknown, actual: unknown): void;
}

const show = (value: unknown): string => {
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

export function figure(key: string, value: number | string, unit = ""): void {
  trace(`FIGURE ${key} ${value}${unit ? ` ${unit}` : ""}\n`);
}

export function mark(name: string): void {
  trace(`MARK ${name}\n`);
}

/** Runs the cases in order, then prints DONE with the failure count. */
export function run(cases: [string, Case, number?][]): void {
  let failures = 0;
  let index = 0;
  const next = (): void => {
    if (index === cases.length) {
      trace(`DONE ${failures}\n`);
      return;
    }
    const [name, body, limit = 10000] = cases[index++]!;
    let over = false;
    const finish = (ok: boolean, text: string): void => {
      if (over) return;
      over = true;
      Timer.clear(timer);
      if (ok) trace(`PASS ${name}${text ? ` (${text})` : ""}\n`);
      else {
        failures++;
        trace(`FAIL ${name} ${text}\n`);
      }
      Timer.set(next, 0);
    };
    const timer = Timer.set(() => finish(false, `timeout after ${limit} ms`), limit);
    const test: Test = {
      pass: (detail = "") => finish(true, detail),
      fail: (why) => finish(false, why),
      check: (ok, expected, actual) => finish(ok, ok ? "" : `expected ${show(expected)}, got ${show(actual)}`),
    };
    try {
      body(test);
    } catch (e) {
      finish(false, `threw ${(e as Error).message}`);
    }
  };
  next();
}

/** Same numbers (NaN = NaN, -0 ≠ 0), element by element, for a number or an array of them. */
export function sameNumbers(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concat(parts: ArrayBuffer[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** UTF-8 of a string (XS's own conversion). */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(ArrayBuffer.fromString(text));
}
