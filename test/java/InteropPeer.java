// A Java peer for the interop test, using only java.io.DataInputStream /
// DataOutputStream — the encodings of Cape Code's Vert.x buffers (big-endian; a frame is one
// length byte if n < 255, else 0xFF and a 4-byte big-endian int, then the payload).
//
//   java InteropPeer client <port> <case> <count>   connect to 127.0.0.1:<port>
//   java InteropPeer server <port> <case> <count>   listen on 127.0.0.1:<port> (0 = any free
//                                                   port), print {"event":"listening","port":N},
//                                                   accept one connection
//
// <case> is a type name (byte, short, int, float, double, number, unsignedbyte, unsignedshort,
// string, json, image): read <count> framed messages of that type, then write back this
// peer's framed messages of the same type (see reply()). Or a raw case (no framing):
//   raw-int     read <count> ints with readInt, then write doubles with writeDouble (one split
//               across two TCP writes)
//   raw-string  read <count> bytes of UTF-8 text, then write UTF-8 text split inside a character
//
// Then it shuts its output down (the other side sees the end of the stream) and reads until the
// other side closes. Everything it decodes goes to stdout as one JSON object per line (ASCII
// only), with the exact bytes it consumed as hex. Exit status 0 on success, 1 on any failure.

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public final class InteropPeer {
    private static final int TIMEOUT_MS = 10000;

    public static void main(String[] args) {
        try {
            if (args.length != 4) throw new IllegalArgumentException("usage: InteropPeer client|server <port> <case> <count>");
            String role = args[0];
            int port = Integer.parseInt(args[1]);
            String kase = args[2];
            int count = Integer.parseInt(args[3]);
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            Socket socket;
            if (role.equals("client")) {
                socket = new Socket();
                socket.connect(new InetSocketAddress(loopback, port), TIMEOUT_MS);
            } else if (role.equals("server")) {
                try (ServerSocket server = new ServerSocket(port, 1, loopback)) {
                    server.setSoTimeout(TIMEOUT_MS);
                    emit("{\"event\":\"listening\",\"port\":" + server.getLocalPort() + "}");
                    socket = server.accept();
                }
            } else {
                throw new IllegalArgumentException("unknown role " + role);
            }
            try (socket) {
                socket.setSoTimeout(TIMEOUT_MS);
                socket.setTcpNoDelay(true);
                run(socket, kase, count);
            }
            emit("{\"event\":\"done\"}");
            System.exit(0);
        } catch (Throwable t) {
            emit("{\"event\":\"failure\",\"message\":" + quote(t.toString()) + "}");
            System.exit(1);
        }
    }

    private static void run(Socket socket, String kase, int count) throws IOException, InterruptedException {
        Recorder recorder = new Recorder(new BufferedInputStream(socket.getInputStream()));
        DataInputStream in = new DataInputStream(recorder);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        emit("{\"event\":\"connected\",\"case\":" + quote(kase) + "}");

        if (kase.equals("raw-int")) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < count; i++) values.add(Integer.toString(in.readInt()));
            emit("{\"event\":\"raw\",\"hex\":\"" + recorder.take() + "\",\"values\":" + values + "}");
            out.writeDouble(1.5);
            out.writeDouble(-2.25);
            out.flush();
            // One double split across two TCP writes: the receiver must keep the first 3 bytes.
            ByteArrayOutputStream pi = new ByteArrayOutputStream(8);
            new DataOutputStream(pi).writeDouble(Math.PI);
            byte[] b = pi.toByteArray();
            out.write(b, 0, 3);
            out.flush();
            Thread.sleep(150);
            out.write(b, 3, 5);
            out.writeDouble(1e-300);
            out.writeDouble(-0.0);
            out.flush();
            emit("{\"event\":\"sent\",\"messages\":5}");
        } else if (kase.equals("raw-string")) {
            byte[] text = new byte[count];
            in.readFully(text);
            emit("{\"event\":\"raw\",\"hex\":\"" + recorder.take() + "\",\"text\":"
                    + quote(new String(text, StandardCharsets.UTF_8)) + "}");
            byte[] reply = "J\u00e9r\u00f4me \u20ac\u20ac".getBytes(StandardCharsets.UTF_8); // 4A C3A9 72 C3B4 6D 65 20 E282AC E282AC
            out.write(reply, 0, 9); // ends inside the first euro sign (E2 82 | AC)
            out.flush();
            Thread.sleep(150);
            out.write(reply, 9, reply.length - 9);
            out.flush();
            emit("{\"event\":\"sent\",\"bytes\":" + reply.length + "}");
        } else {
            for (int i = 0; i < count; i++) readFrame(in, recorder, kase, i);
            int sent = reply(out, kase);
            emit("{\"event\":\"sent\",\"messages\":" + sent + "}");
        }

        socket.shutdownOutput(); // the other side sees the end of the stream, then closes
        int extra = 0;
        while (in.read() >= 0) extra++;
        emit("{\"event\":\"eof\",\"extraBytes\":" + extra + (extra > 0 ? ",\"hex\":\"" + recorder.take() + "\"" : "") + "}");
    }

    // ---- reading one framed message, with the typed DataInputStream reads ----

    private static void readFrame(DataInputStream in, Recorder recorder, String type, int index) throws IOException {
        int n = in.readUnsignedByte();
        if (n == 255) n = in.readInt();
        StringBuilder json = new StringBuilder();
        json.append("{\"event\":\"frame\",\"index\":").append(index).append(",\"length\":").append(n);
        int size = elementSize(type);
        if (size == 0) { // string, json, image: bytes
            byte[] payload = new byte[n];
            in.readFully(payload);
            if (!type.equals("image")) json.append(",\"text\":").append(quote(new String(payload, StandardCharsets.UTF_8)));
        } else {
            if (n % size != 0) throw new IOException("frame " + index + ": length " + n + " is not a multiple of " + size);
            List<String> values = new ArrayList<>();
            List<String> bits = new ArrayList<>();
            for (int i = 0; i < n / size; i++) {
                switch (type) {
                    case "byte" -> values.add(Byte.toString(in.readByte()));
                    case "unsignedbyte" -> values.add(Integer.toString(in.readUnsignedByte()));
                    case "short" -> values.add(Short.toString(in.readShort()));
                    case "unsignedshort" -> values.add(Integer.toString(in.readUnsignedShort()));
                    case "int" -> values.add(Integer.toString(in.readInt()));
                    case "float" -> {
                        float f = in.readFloat();
                        values.add(number((double) f));
                        bits.add(quote(String.format("%08x", Float.floatToRawIntBits(f))));
                    }
                    default -> { // double, number
                        double d = in.readDouble();
                        values.add(number(d));
                        bits.add(quote(String.format("%016x", Double.doubleToRawLongBits(d))));
                    }
                }
            }
            json.append(",\"values\":").append(values);
            if (!bits.isEmpty()) json.append(",\"bits\":").append(bits);
        }
        json.append(",\"hex\":\"").append(recorder.take()).append("\"}");
        emit(json.toString());
    }

    private static int elementSize(String type) {
        return switch (type) {
            case "byte", "unsignedbyte" -> 1;
            case "short", "unsignedshort" -> 2;
            case "int", "float" -> 4;
            case "double", "number" -> 8;
            case "string", "json", "image" -> 0;
            default -> throw new IllegalArgumentException("unknown case " + type);
        };
    }

    // ---- what this peer writes back, with the typed DataOutputStream writes ----
    // Each message is built with a DataOutputStream into a byte array, then framed.

    private interface Body { void write(DataOutputStream d) throws IOException; }

    private static void frame(DataOutputStream out, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        body.write(new DataOutputStream(bytes));
        int n = bytes.size();
        if (n < 255) {
            out.writeByte(n);
        } else {
            out.writeByte(0xFF);
            out.writeInt(n);
        }
        bytes.writeTo(out);
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        frame(out, d -> d.write(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static int reply(DataOutputStream out, String type) throws IOException {
        int messages;
        switch (type) {
            case "byte" -> {
                frame(out, d -> d.writeByte(-128));
                frame(out, d -> { d.writeByte(0); d.writeByte(127); d.writeByte(255); });
                messages = 2;
            }
            case "unsignedbyte" -> {
                frame(out, d -> d.writeByte(200));
                frame(out, d -> { d.writeByte(0); d.writeByte(255); d.writeByte(-128); });
                messages = 2;
            }
            case "short" -> {
                frame(out, d -> d.writeShort(-12345));
                frame(out, d -> { d.writeShort(32767); d.writeShort(-32768); d.writeShort(40000); });
                messages = 2;
            }
            case "unsignedshort" -> {
                frame(out, d -> d.writeShort(65535));
                frame(out, d -> { d.writeShort(0); d.writeShort(40000); d.writeShort(1); });
                messages = 2;
            }
            case "int" -> {
                frame(out, d -> d.writeInt(42));
                frame(out, d -> { d.writeInt(1); d.writeInt(-2); d.writeInt(Integer.MAX_VALUE); d.writeInt(Integer.MIN_VALUE); });
                messages = 2;
            }
            case "float" -> {
                frame(out, d -> d.writeFloat(0.1f));
                frame(out, d -> {
                    d.writeFloat(1.5f); d.writeFloat(-0.0f); d.writeFloat(Float.POSITIVE_INFINITY);
                    d.writeFloat(Float.MIN_VALUE); d.writeFloat(Float.MAX_VALUE); d.writeFloat(Float.NaN);
                });
                messages = 2;
            }
            case "double", "number" -> {
                frame(out, d -> d.writeDouble(Math.PI));
                frame(out, d -> {
                    d.writeDouble(-0.0); d.writeDouble(Double.MAX_VALUE); d.writeDouble(Double.MIN_VALUE);
                    d.writeDouble(Double.NEGATIVE_INFINITY); d.writeDouble(0.1); d.writeDouble(Double.NaN);
                });
                messages = 2;
            }
            case "string" -> {
                text(out, "h\u00e9llo \u20ac from Java");
                text(out, "");
                text(out, "J".repeat(297) + "\u20ac"); // 300 bytes: the long header FF 00 00 01 2C
                messages = 3;
            }
            case "json" -> {
                text(out, "{\"from\":\"Java\",\"ok\":true,\"n\":[1,-2.5,1e300],\"u\":\"h\u00e9llo \u20ac\",\"nil\":null}");
                text(out, "\"just a string\"");
                messages = 2;
            }
            case "image" -> {
                frame(out, d -> { for (int i = 0; i < 300; i++) d.writeByte(i * 7 + 3); });
                frame(out, d -> d.write(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9 }));
                messages = 2;
            }
            default -> throw new IllegalArgumentException("unknown case " + type);
        }
        out.flush();
        return messages;
    }

    // ---- output ----

    private static synchronized void emit(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** A JSON number, or a JSON string for what JSON cannot hold (NaN, ±Infinity). */
    private static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return quote(Double.toString(d));
        return Double.toString(d); // "-0.0", "4.9E-324": valid JSON numbers
    }

    /** A JSON string literal, ASCII only (everything else as \\uXXXX). */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7F) b.append(c);
            else b.append(String.format("\\u%04x", (int) c));
        }
        return b.append('"').toString();
    }

    /** Records every byte read through it, so the peer can report exactly what it consumed. */
    private static final class Recorder extends FilterInputStream {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Recorder(InputStream in) { super(in); }

        @Override public int read() throws IOException {
            int b = super.read();
            if (b >= 0) seen.write(b);
            return b;
        }

        @Override public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) seen.write(buffer, offset, n);
            return n;
        }

        @Override public long skip(long n) { throw new UnsupportedOperationException("skip"); }

        /** The bytes read since the last call, as lowercase hex. */
        String take() {
            StringBuilder hex = new StringBuilder();
            for (byte x : seen.toByteArray()) hex.append(String.format("%02x", x & 0xFF));
            seen.reset();
            return hex.toString();
        }
    }
}
