/*---
description: from takes a socket over: the new owner gets onWritable (format back to buffer), the old one is dead and silent; from must be a live TCP
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const original = new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  format: "number",
  onReadable() { $DONE("the original's onReadable ran"); },
  onWritable() { $DONE("the original's onWritable ran"); },
  onError() { $DONE("the original's onError ran"); },
});

new TCP({
  from: original,
  onWritable(count) {
    $DO(() => {
      assert.sameValue(typeof count, "number");
      assert(count > 0, "some room to write");
      assert.sameValue(this.format, "buffer", "a take-over starts in buffer format");
      this.close();
    })();
  },
  onError() { $DONE("the new owner got onError"); },
});

assert.throws(SyntaxError, () => new TCP({ from: original }), "taken twice");
original.close();
original.close();
assert.throws(SyntaxError, () => original.read(), "the original after the take-over");
for (const from of [$TESTMC.HostObject, $TESTMC.HostObjectChunk, $TESTMC.HostBuffer, [], {}, new ArrayBuffer(4)])
  assert.throws(SyntaxError, () => new TCP({ from }), `from ${Object.prototype.toString.call(from)}`);
