package io.peregrine.sender.testing;

import io.peregrine.common.server.NamedExecutors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;

/** A TCP forwarder on 127.0.0.1 that a test can cut (every connection dropped, nothing accepted) and restore. */
public final class TcpProxy implements AutoCloseable {
  private final int target;
  private final int port;
  private final ThreadPoolExecutor pool = NamedExecutors.fixed("test-proxy", 32, 32,
      new ThreadPoolExecutor.AbortPolicy());
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

  public TcpProxy(int target) throws IOException {
    this.target = target;
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", 0));
    this.port = s.getLocalPort();
    listen(s);
  }

  public int port() {
    return port;
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  public void cut() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    open.clear();
  }

  public void restore() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", port));
    listen(s);
  }

  private void listen(ServerSocket s) {
    server = s;
    pool.execute(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          accepted.incrementAndGet();
          Socket upstream = new Socket("127.0.0.1", target);
          open.add(client);
          open.add(upstream);
          pool.execute(() -> pump(client, upstream));
          pool.execute(() -> pump(upstream, client));
        } catch (IOException e) {
          return; // closed by cut() or close()
        }
      }
    });
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: the other is closed below
    } finally {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    cut();
    NamedExecutors.shutdown(pool, "test-proxy", Duration.ofSeconds(2));
  }
}
