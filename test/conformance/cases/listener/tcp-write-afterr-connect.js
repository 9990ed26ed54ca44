/*---
description: an accepted socket taken over with from writes on its first onWritable and closes, and the listener closes, in the same callback
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const listener = new Listener({
  onReadable() {
    new TCP({
      from: this.read(),
      onWritable() {
        $DO(() => {
          this.write(Uint8Array.of(9, 8, 7));
          this.close();
          listener.close();
        })();
      },
    });
  },
});
new TCP({ address: "127.0.0.1", port: listener.port });
