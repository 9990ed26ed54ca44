/*---
description: a server socket taken over twice (from → from) and closed at once still delivers what it wrote; the client then sees onError
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const server = new Listener({
  port: 0,
  onReadable() {
    const first = new TCP({
      from: this.read(),
      onReadable(n) {
        this.read(n);
        this.write(ArrayBuffer.fromString("reply"));
        const second = new TCP({ from: first });
        second.close();
      },
    });
  },
});

let answer = "";
let asked = false;
new TCP({
  address: "127.0.0.1",
  port: server.port,
  onWritable() {
    if (asked) return;
    asked = true;
    this.write(ArrayBuffer.fromString("request"));
  },
  onReadable(n) {
    answer += String.fromArrayBuffer(this.read(n));
  },
  onError() {
    $DO(() => assert.sameValue(answer, "reply", "the reply written before the close"))();
  },
});
