/*---
description: a Listener with no callbacks is polled: read() gives undefined, then the accepted TCP
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import Timer from "timer";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const listener = new Listener({ port: 8080 });
assert.sameValue(listener.read(), undefined, "nothing pending yet");
new TCP({ address: "127.0.0.1", port: 8080 });

const poll = Timer.repeat(() => {
  let accepted;
  try {
    accepted = listener.read();
  } catch (e) {
    Timer.clear(poll);
    return $DONE(e);
  }
  if (accepted === undefined) return;
  Timer.clear(poll);
  listener.close();
  $DO(() => {
    assert(accepted instanceof TCP, "a TCP");
    assert.sameValue(accepted.remoteAddress, "127.0.0.1");
    assert.sameValue(accepted.format, "buffer");
  })();
}, 25);
