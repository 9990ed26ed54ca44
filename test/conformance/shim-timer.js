// The "timer" module of the Moddable SDK, as far as the socket conformance tests use it.
const timers = new Map();
let next = 1;

export default class Timer {
  static repeat(callback, interval) {
    const id = next++;
    timers.set(id, setInterval(() => callback(id), interval));
    return id;
  }

  static set(callback, delay = 0, repeat) {
    const id = next++;
    if (repeat === undefined) timers.set(id, setTimeout(() => { timers.delete(id); callback(id); }, delay));
    else timers.set(id, setTimeout(() => timers.set(id, setInterval(() => callback(id), repeat)), delay));
    return id;
  }

  static clear(id) {
    const t = timers.get(id);
    if (t === undefined) return;
    clearTimeout(t);
    clearInterval(t);
    timers.delete(id);
  }
}
