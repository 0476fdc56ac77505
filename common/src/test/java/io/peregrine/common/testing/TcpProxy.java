package io.peregrine.common.testing;

import io.peregrine.common.server.NamedExecutors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1:0 in front of a real server on 127.0.0.1, which a test can cut (every connection closed,
 * new ones closed at once) and restore: Redis or an SMTP server "going away" without touching the shared one. The
 * listening socket stays bound while cut, so restoring never races another process for the port.
 */
public final class TcpProxy implements AutoCloseable {
  /** One accept loop plus two pumps per connection; tests open a handful of connections. */
  private static final int THREADS = 33;

  private final ServerSocket server;
  private final int targetPort;
  private final ThreadPoolExecutor pool = NamedExecutors.fixed("test-proxy", THREADS, THREADS,
      new ThreadPoolExecutor.AbortPolicy());
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean cut;
  private volatile boolean closed;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted and forwarded so far. */
  public int accepted() {
    return accepted.get();
  }

  public void cut() {
    cut = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  public void restore() {
    cut = false;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (cut) {
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        accepted.incrementAndGet();
        open.add(client);
        open.add(upstream);
        pool.execute(() -> pump(client, upstream));
        pool.execute(() -> pump(upstream, client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // the other side closed, or the test cut the proxy
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    cut();
    server.close();
    NamedExecutors.shutdown(pool, "test-proxy", Duration.ofSeconds(2));
  }
}
