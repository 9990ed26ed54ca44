// The project's style (tools/lint.js) holds for every file git knows: no tabs, no trailing spaces,
// no yoda comparisons, no Node API in modules/, no pointers to documents outside the repository.
import { expect } from "chai";
import { lint } from "../tools/lint.js";

describe("lint (tools/lint.js)", () => {
  it("finds nothing", () => {
    expect(lint()).to.deep.equal([]);
  });
});
