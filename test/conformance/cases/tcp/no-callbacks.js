/*---
description: a TCP with no callbacks at all is driven by polling: write throws until connected, read gives undefined until data came
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";
import Timer from "timer";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const tcp = new TCP({ address: await $NETWORK.resolve("web.test"), port: 80 });
assert.sameValue(tcp.read(new Uint8Array(1)), undefined, "nothing to read yet");

let sent = false;
const writer = Timer.repeat(() => {
  try {
    tcp.write(ArrayBuffer.fromString("GET / HTTP/1.1\r\nHost: web.test\r\n\r\n"));
  } catch {
    return; // not connected yet
  }
  sent = true;
  Timer.clear(writer);
}, 20);

const reader = Timer.repeat(() => {
  try {
    const data = tcp.read();
    if (data === undefined) return;
    if (!sent) return $DONE("data before the request was written");
    assert(data.byteLength >= 8, "at least a status line");
    assert.sameValue(String.fromArrayBuffer(data).slice(0, 5), "HTTP/");
    Timer.clear(reader);
    tcp.close();
    $DONE();
  } catch (e) {
    $DONE(e);
  }
}, 20);
