// What a scenario's environment gives on every host: the seeded generator and the checks. Plain
// ES2022 (it runs inside XS too): test/scenarios/node-env.js uses it on Node, and the XS runner
// hands it to the harness (hosts/xs/harness.ts), so both hosts draw the same numbers.

/** mulberry32: a uniform number in [0, 1) per call, from the seed only. */
export function makePrng(seed) {
  let state = (seed ^ 0x5bd1e995) | 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clip(text) {
  const t = String(text);
  return t.length > 300 ? `${t.slice(0, 300)}…(${t.length} chars)` : t;
}

/** The seed-dependent and checking part of a scenario's env; `fail(message)` ends the scenario. */
export function scenarioEnv(seed, fail) {
  const prng = makePrng(seed);
  return {
    seed,
    fail,
    assert: (condition, message) => {
      if (!condition) fail(`assertion failed: ${message}`);
    },
    eq: (actual, expected, message) => {
      const a = JSON.stringify(actual);
      const e = JSON.stringify(expected);
      if (a !== e) fail(`${message}: expected ${clip(e)}, got ${clip(a)}`);
    },
    random: () => prng(),
    int: (min, max) => min + Math.floor(prng() * (max - min + 1)),
  };
}
