// What a hostile or careless party cannot do to a connection: a listener that throws, a flood of
// bad messages, a header announcing a huge message, an empty numeric array, a sender faster than
// the socket. Real loopback, raw node:net peers where the bytes matter.
import { expect } from "chai";
import { Buffer } from "node:buffer";
import { bytesOf, captureConsoleError, connectClient, delay, frame, pair, rawConnect, rawServer, record, startServer, Tracker, waitFor } from "./api-helpers.js";

describe("api: robustness", function () {
  const t = new Tracker();
  afterEach(() => t.cleanup());

  it("a \"data\" listener that throws is reported; the rest of the chunk is decoded and the stream stays in step", async function () {
    const { port, nextSocket } = await startServer(t, { rawBytes: false, receiveType: "string" });
    const peer = await rawConnect(t, port);
    const socket = await nextSocket(0);
    const got = [];
    socket.on("data", (text) => {
      got.push(text);
      if (text === "two") throw new Error("listener bug");
    });
    const words = ["one", "two", "three", "e".repeat(101), "five"]; // a later byte 0x65 ('e') must not be read as a header
    const reported = await captureConsoleError(async () => {
      peer.write(Buffer.concat(words.map((w) => frame(Buffer.from(w)))));
      await waitFor(() => got.length === words.length, 1500, "every message");
    });
    expect(got).to.deep.equal(words);
    expect(reported.join("\n")).to.match(/a "data" listener threw: Error: listener bug/);
    expect(socket.closed).to.equal(false);
    peer.write(frame(Buffer.from("after")));
    await waitFor(() => got.length === 6);
    expect(got[5]).to.equal("after");
  });

  it("a listener of any event that throws does not stop the others or the connection", async function () {
    const { server, port } = await startServer(t, { rawBytes: false });
    server.on("connection", () => { throw new Error("connection listener bug"); });
    const seen = [];
    server.on("connection", (s) => { seen.push("second listener"); s.on("data", (d) => s.send(d)); });
    const reported = await captureConsoleError(async () => {
      const client = await connectClient(t, port, { rawBytes: false });
      client.on("open", () => { throw new Error("never: already open"); });
      client.send("ping");
      const [echo] = await new Promise((resolve) => client.once("data", (...a) => resolve(a)));
      expect(echo).to.equal("ping");
    });
    expect(seen).to.deep.equal(["second listener"]);
    expect(reported.join("\n")).to.match(/a "connection" listener threw: Error: connection listener bug/);
  });

  it("a flood of bad messages closes the connection after maxBadMessages, with one error saying why", async function () {
    const { port, nextSocket } = await startServer(t, { rawBytes: false, receiveType: "int", maxBadMessages: 5 });
    const peer = await rawConnect(t, port);
    const socket = await nextSocket(0);
    peer.write(Buffer.alloc(1000)); // 1000 zero-length frames
    await waitFor(() => socket.log.of("close").length === 1, 1500, "close");
    const errors = socket.log.of("error");
    expect(errors.length).to.equal(6); // five bad messages, then why it closed
    expect(errors[0].args).to.deep.equal(["Received an int message of 0 bytes: a numeric message holds at least one 4-byte element", "EBADLENGTH"]);
    expect(errors[5].args).to.deep.equal(["Closing the connection: 5 bad messages received (maxBadMessages is 5)", "ETOOMANYBAD"]);
  });

  it("a header announcing a huge message commits nothing for it, and a header over maxMessageSize closes with EMSGSIZE", async function () {
    const { port, nextSocket } = await startServer(t, { rawBytes: false, receiveType: "image", maxMessageSize: 1 << 30 });
    const peer = await rawConnect(t, port);
    const socket = await nextSocket(0);
    const before = process.memoryUsage().arrayBuffers;
    peer.write(Buffer.from([0xff, 0x3f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])); // 1 GiB - 1 announced, 10 bytes sent
    await delay(50);
    expect(process.memoryUsage().arrayBuffers - before, "bytes committed for the announced message").to.be.below(1 << 20);
    expect(socket.closed).to.equal(false);
    const small = await startServer(t, { rawBytes: false, maxMessageSize: 100 });
    const p2 = await rawConnect(t, small.port);
    const s2 = await small.nextSocket(0);
    p2.write(Buffer.from([0xff, 0, 0, 0, 101]));
    await waitFor(() => s2.log.of("close").length === 1, 1500, "close");
    expect(s2.log.of("error")[0].args).to.deep.equal(["Message of 101 bytes announced, more than maxMessageSize (100): closing the connection", "EMSGSIZE"]);
  });

  it("send([]) with a numeric type is refused with EINVALIDDATA and writes nothing; both ends agree", async function () {
    const peerServer = await rawServer(t);
    const client = await connectClient(t, peerServer.port, { rawBytes: false, sendType: "double" });
    const log = record(client, ["error"]);
    const peer = await peerServer.nextPeer(0);
    expect(client.send([])).to.equal(false);
    expect(client.send([1.5])).to.equal(true);
    await waitFor(() => bytesOf(peer).length === 9 && log.length === 1);
    expect(log[0].args).to.deep.equal(["Cannot send an empty array as double: a numeric message holds at least one element", "EINVALIDDATA"]);
    expect([...bytesOf(peer)]).to.deep.equal([8, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]);
  });

  it("a fast sender paces itself with send()'s result and \"drain\"; refusals in one turn come out as one error with their count", async function () {
    this.timeout(10000);
    const peerServer = await rawServer(t);
    const client = await connectClient(t, peerServer.port, { rawBytes: false, sendType: "image", maxUnsentBytes: 256 * 1024, tcp: undefined });
    const log = record(client, ["error", "drain"]);
    const peer = await peerServer.nextPeer(0);
    peer.pause(); // reads nothing for now
    const chunk = new Uint8Array(60000).fill(7);
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 200; i++) (client.send(chunk) ? accepted++ : refused++);
    expect(refused).to.be.greaterThan(0);
    expect(client.bufferedAmount).to.be.at.most(256 * 1024);
    await waitFor(() => log.of("error").length === 1);
    await delay(20);
    expect(log.of("error").length, "one event for the refusals of one turn").to.equal(1);
    expect(log.of("error")[0].args[0]).to.match(new RegExp(`maxUnsentBytes \\(262144\\): message not sent \\(${refused} times\\)$`));
    expect(log.of("error")[0].args[1]).to.equal("EQUEUEFULL");
    peer.resume();
    await waitFor(() => log.of("drain").length === 1, 5000, '"drain"');
    expect(client.bufferedAmount).to.equal(0);
    await waitFor(() => bytesOf(peer).length === accepted * 60005, 5000, "every accepted message");
  });

  it("after close, send() returns false and closed is true: a pacing loop ends", async function () {
    const { client } = await pair(t);
    expect(client.closed).to.equal(false);
    client.close();
    expect(client.closed).to.equal(true);
    let spins = 0;
    while (client.send("x") && spins < 10) spins++;
    expect(spins).to.equal(0);
  });

  it("close() then open() says the client was closed", async function () {
    const { client } = await pair(t);
    const log = record(client, ["error"]);
    client.close();
    client.open();
    await waitFor(() => log.length === 1);
    expect(log[0].args).to.deep.equal(["SocketClient.open(): this client was closed; make a new SocketClient to connect again", "EUSAGE"]);
  });
});
