package io.peregrine.sender.testing;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import io.peregrine.common.server.NamedExecutors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * GreenMail's SMTP does not offer STARTTLS, so this front on 127.0.0.1 (port 0) does: it greets, answers EHLO with
 * STARTTLS, refuses anything else until the client upgrades, runs the TLS handshake with GreenMail's test
 * certificate, then relays the encrypted session's plain text to GreenMail's plain SMTP port.
 */
public final class StartTlsFront implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final SSLContext tls;
  private final AtomicInteger upgraded = new AtomicInteger();
  private final ThreadPoolExecutor pool = NamedExecutors.fixed("test-starttls", 16, 16,
      new ThreadPoolExecutor.AbortPolicy());

  public StartTlsFront(int greenMailSmtpPort) throws Exception {
    this.target = greenMailSmtpPort;
    KeyStore ks = new DummySSLServerSocketFactory().getKeyStore();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    pool.execute(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Sessions that completed the TLS upgrade. */
  public int upgraded() {
    return upgraded.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pool.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket upstream = new Socket("127.0.0.1", target)) {
      BufferedReader upIn = new BufferedReader(new InputStreamReader(upstream.getInputStream(),
          StandardCharsets.US_ASCII));
      upIn.readLine(); // GreenMail's greeting: the client gets ours
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      write(out, "220 front ESMTP\r\n");
      while (true) {
        String line = readLine(in);
        if (line == null) {
          return;
        }
        String cmd = line.toUpperCase();
        if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) {
          write(out, "250-front\r\n250 STARTTLS\r\n");
        } else if (cmd.equals("STARTTLS")) {
          write(out, "220 Ready to start TLS\r\n");
          break;
        } else if (cmd.equals("QUIT")) {
          write(out, "221 bye\r\n");
          return;
        } else {
          write(out, "530 Must issue a STARTTLS command first\r\n");
        }
      }
      SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "127.0.0.1", client.getPort(),
          false);
      secure.setUseClientMode(false);
      secure.startHandshake();
      upgraded.incrementAndGet();
      pool.execute(() -> pump(secure, upstream));
      pump(upstream, secure);
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        return b.toString().strip();
      }
      b.append((char) c);
    }
    return null;
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[8192];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      try {
        to.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    NamedExecutors.shutdown(pool, "test-starttls", java.time.Duration.ofSeconds(1));
  }
}
