package io.peregrine.bench.push;

import io.peregrine.common.config.HostPort;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JDK's HTTP client shared by all HTTP connections, and one prepared request per pool batch (an
 * {@link HttpRequest} with a byte-array body can be sent any number of times). HTTP/1.1 on purpose: that is what
 * Open-Falcon clients speak, and it keeps one TCP connection per sending thread, reused (keep-alive) between
 * requests, so {@code --connections} means connections.
 */
final class HttpPushClient implements AutoCloseable {
  /** Queue for the client's internal completion tasks; callers run them when it is full, which slows them down. */
  private static final int EXECUTOR_QUEUE = 1_024;

  private final ThreadPoolExecutor executor;
  private final HttpClient client;
  private final HttpRequest[] requests;
  private final AtomicBoolean closed = new AtomicBoolean();

  HttpPushClient(PushConfig config, BatchPool pool, TlsMaterial tls) {
    HostPort hp = HostPort.parse("target", config.target());
    URI uri = URI.create((tls.clientTls() ? "https://" : "http://") + hp + config.httpPath());
    executor = NamedExecutors.fixed("bench-http", Math.min(config.connections(), 8), EXECUTOR_QUEUE,
        new ThreadPoolExecutor.CallerRunsPolicy());
    HttpClient.Builder builder = HttpClient.newBuilder();
    if (tls.clientTls()) {
      builder.sslContext(TlsContexts.jdkClient(tls));
    }
    client = builder
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.timeout())
        .executor(executor)
        .build();
    requests = new HttpRequest[pool.size()];
    Duration timeout = config.timeout();
    for (int i = 0; i < requests.length; i++) {
      requests[i] = HttpRequest.newBuilder(uri)
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(pool.body(i)))
          .build();
    }
  }

  HttpClient client() {
    return client;
  }

  HttpRequest request(int index) {
    return requests[index];
  }

  /** Java 17's client has no close(): its selector thread ends once the client is unreachable; this ends ours. */
  @Override
  public void close() {
    if (!closed.getAndSet(true)) {
      NamedExecutors.shutdown(executor, "bench-http", Duration.ofSeconds(2));
    }
  }
}
