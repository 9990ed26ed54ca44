// The staged `timer` module (Moddable's Timer) on the world's virtual clock.

import { current } from "./current.js";
import { TimerId } from "./world.js";

const Timer = Object.freeze({
  set(callback: (id: TimerId) => void, ms = 0, interval = 0): TimerId {
    if (typeof callback !== "function") throw new TypeError("callback must be a function");
    return current().setTimer(callback, ms, interval);
  },
  repeat(callback: (id: TimerId) => void, interval: number): TimerId {
    if (typeof callback !== "function") throw new TypeError("callback must be a function");
    return current().setTimer(callback, interval, interval > 0 ? interval : 1);
  },
  clear(id: TimerId): void {
    if (!(id instanceof TimerId)) throw new TypeError("Timer.clear: not a timer"); // Moddable: not a host timer object
    current().clearTimer(id);
  },
});

export default Timer;
