/*---
description: a peer that writes and closes: the client's onReadable comes first, then onError
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const server = new Listener({
  port: 0,
  onReadable() {
    const from = this.read();
    if (from === undefined) return $DONE("the listener had nothing to read");
    new TCP({
      from,
      onWritable() {
        this.write(ArrayBuffer.fromString("bye"));
        this.close();
      },
      onError() { $DONE("the server side failed"); },
    });
  },
});

let read = false;
new TCP({
  address: "127.0.0.1",
  port: server.port,
  onReadable() {
    read = true;
    this.read();
  },
  onError() {
    $DONE(read ? undefined : "onError came before onReadable");
  },
});
