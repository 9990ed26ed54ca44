// The XS stack the module's data path takes, measured (bench/xs-stack.js): the fewest stack slots
// with which a 1000-message framed echo through a SocketServer and a SocketClient runs, with app
// handlers nesting 4 calls, minus the same echo over bare sockets. Deterministic (slot counts, no
// timing). A device's XS stack is 512 slots; the module may take at most a quarter of it (it took
// 63 when this bound was set: a change that deepens the data path by a few frames fails here).

import { expect } from "chai";
import { stackFigures } from "../bench/xs-stack.js";

const skip = process.env.XS_SKIP === "1" && !process.env.CI;

(skip ? describe.skip : describe)("XS stack of the data path", function () {
  this.timeout(300000);
  let f;
  before(async () => {
    f = await stackFigures();
    console.log(`      floor ${f.floor} slots, through the module ${f.module} slots: the module adds ${f.added}`);
  });

  it("the echo runs through the module at all, and the floor is below it", () => {
    expect(f.floor).to.be.above(64);
    expect(f.module).to.be.above(f.floor);
  });

  it("the module adds at most a quarter of a device's 512-slot stack (app handlers nesting 4 calls)", () => {
    expect(f.added).to.be.at.most(f.deviceSlots / 4);
  });
});
