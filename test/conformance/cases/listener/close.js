/*---
description: close() inside onReadable, twice, then read() throws SyntaxError
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

new Listener({
  port: 8080,
  onReadable() {
    $DO(() => {
      this.close();
      this.close();
      assert.throws(SyntaxError, () => this.read(), "read after close");
      assert.throws(SyntaxError, () => this.port, "port after close");
    })();
  },
});
new TCP({ address: "127.0.0.1", port: 8080 });
