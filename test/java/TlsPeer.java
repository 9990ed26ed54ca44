// A Java TLS peer for test/tls-java.test.js: javax.net.ssl SSLSocket / SSLServerSocket (what a
// JVM accessor host such as Cape Code uses), with certificates made at test time.
//
//   java TlsPeer client <port> <count> <dir> <password>   connect to 127.0.0.1:<port>, verify the
//                                                         server (CA <dir>/ca.pem, host name 127.0.0.1),
//                                                         present <dir>/client.pfx
//   java TlsPeer server <port> <count> <dir> <password>   listen on 127.0.0.1:<port> (0 = any free
//                                                         port) with <dir>/server.pfx, print
//                                                         {"event":"listening","port":N}, require a
//                                                         client certificate signed by <dir>/ca.pem
//
// It reads <count> framed messages (one length byte if n < 255, else 0xFF and a 4-byte big-endian
// int, then the payload) with DataInputStream, reporting each as {"event":"frame","hex":…}, and
// writes each one back unchanged. Then it reads until the other side closes and exits 0; on any
// failure it prints {"event":"failure",…} and exits 1.

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public final class TlsPeer {
  private static final int TIMEOUT_MS = 10000;

  public static void main(String[] args) {
    try {
      if (args.length != 5) throw new IllegalArgumentException("usage: TlsPeer client|server <port> <count> <dir> <password>");
      String role = args[0];
      int port = Integer.parseInt(args[1]);
      int count = Integer.parseInt(args[2]);
      Path dir = Path.of(args[3]);
      char[] password = args[4].toCharArray();
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      SSLSocket socket;
      if (role.equals("client")) {
        SSLContext context = context(dir.resolve("client.pfx"), password, dir.resolve("ca.pem"));
        socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the server's certificate must be for 127.0.0.1
        socket.setSSLParameters(parameters);
      } else if (role.equals("server")) {
        SSLContext context = context(dir.resolve("server.pfx"), password, dir.resolve("ca.pem"));
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, 1, loopback)) {
          server.setNeedClientAuth(true);
          server.setSoTimeout(TIMEOUT_MS);
          emit("{\"event\":\"listening\",\"port\":" + server.getLocalPort() + "}");
          socket = (SSLSocket) server.accept();
        }
      } else {
        throw new IllegalArgumentException("unknown role " + role);
      }
      try (socket) {
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        socket.startHandshake();
        String peer = socket.getSession().getPeerPrincipal().getName();
        emit("{\"event\":\"handshake\",\"protocol\":" + quote(socket.getSession().getProtocol()) + ",\"peer\":" + quote(peer) + "}");
        echo(socket, count);
      }
      emit("{\"event\":\"done\"}");
      System.exit(0);
    } catch (Throwable t) {
      emit("{\"event\":\"failure\",\"message\":" + quote(t.toString()) + "}");
      System.exit(1);
    }
  }

  /** Keys from a PKCS#12 file; trust: every certificate of a PEM file. */
  private static SSLContext context(Path pfx, char[] password, Path caPem) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pfx)) {
      keys.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("ca" + i++, ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private static void echo(SSLSocket socket, int count) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    for (int i = 0; i < count; i++) {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      DataOutputStream header = new DataOutputStream(frame);
      int n = in.readUnsignedByte();
      header.writeByte(n);
      if (n == 255) {
        n = in.readInt();
        header.writeInt(n);
      }
      byte[] payload = new byte[n];
      in.readFully(payload);
      frame.write(payload);
      byte[] bytes = frame.toByteArray();
      emit("{\"event\":\"frame\",\"index\":" + i + ",\"hex\":\"" + hex(bytes) + "\"}");
      out.write(bytes);
      out.flush();
    }
    int extra = 0;
    while (in.read() >= 0) extra++;
    emit("{\"event\":\"eof\",\"extraBytes\":" + extra + "}");
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length * 2);
    for (byte x : bytes) b.append(String.format("%02x", x & 0xFF));
    return b.toString();
  }

  private static synchronized void emit(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** A JSON string literal, ASCII only. */
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
}
