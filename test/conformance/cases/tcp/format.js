/*---
description: format is "buffer" by default, "buffer" or "number" when given; anything else is a RangeError
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const address = await $NETWORK.resolve("web.test");
const port = 80;
for (const [given, expected] of [[undefined, "buffer"], ["buffer", "buffer"], ["number", "number"]]) {
  const tcp = new TCP({ address, port, ...(given ? { format: given } : {}) });
  assert.sameValue(tcp.format, expected, `format ${given}`);
  tcp.close();
}
assert.throws(RangeError, () => new TCP({ address, port, format: "utf-8" }));
$DONE();
