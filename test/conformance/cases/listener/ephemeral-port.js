/*---
description: a Listener with no port gets one at once; a client to that port is counted once
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const listener = new Listener({
  onReadable(count) {
    $DO(() => {
      assert.sameValue(count, 1, "one pending connection");
      this.close();
    })();
  },
});
assert.sameValue(listener.read(), undefined, "nothing pending yet");
new TCP({ address: "127.0.0.1", port: listener.port });
