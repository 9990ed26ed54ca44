/*---
description: three clients connect; each accepted socket is a TCP with the client's address and buffer format; each client sees the listener's port
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const address = "127.0.0.1";
const port = 8080;
new Listener({
  port,
  onReadable(count) {
    for (let i = 0; i < count; i++) {
      const accepted = this.read();
      if (!(accepted instanceof TCP)) return $DONE("read() did not give a TCP");
      if (accepted.remoteAddress !== address) return $DONE(`accepted remoteAddress ${accepted.remoteAddress}`);
      if (accepted.format !== "buffer") return $DONE(`accepted format ${accepted.format}`);
    }
  },
});

let waiting = 3;
for (let i = 0; i < 3; i++) {
  let seen = false;
  new TCP({
    address,
    port,
    onWritable() {
      if (seen) return;
      seen = true;
      if (this.remotePort !== port) return $DONE(`client remotePort ${this.remotePort}`);
      if (this.remoteAddress !== address) return $DONE(`client remoteAddress ${this.remoteAddress}`);
      if (this.format !== "buffer") return $DONE(`client format ${this.format}`);
      if (--waiting === 0) $DONE();
    },
    onError() { $DONE("a client could not connect"); },
  });
}
