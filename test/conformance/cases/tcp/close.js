/*---
description: after close() (twice is fine) every method and getter throws SyntaxError and no callback runs
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

let done = false;
new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable() {
    if (done) return $DONE("onWritable after close()");
    $DO(() => {
      this.close();
      done = true;
      this.close();
      for (const use of [() => this.write(Uint8Array.of(0)), () => this.read(), () => this.remoteAddress, () => this.remotePort, () => this.format])
        assert.throws(SyntaxError, use);
    })();
  },
  onReadable() {
    if (done) $DONE("onReadable after close()");
  },
  onError() {
    if (done) $DONE("onError after close()");
  },
});
