// The staged `time` module: Moddable's Time.ticks (monotonic ms) on the world's virtual clock.

import { current } from "./current.js";

const Time = Object.freeze({
  get ticks(): number {
    return current().now;
  },
});

export default Time;
