package io.peregrine.bench.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.json.ParsedBatch;
import io.peregrine.common.json.PushSummaryJson;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stand-in for transfer's {@code POST /api/push} on the JDK HTTP server: parses the Open-Falcon JSON with the
 * production parser, counts the items, refuses the first of every batch and answers transfer's summary.
 */
final class TestHttpTransfer implements AutoCloseable {
  static final String REASON = "test: the first item of every batch is refused";

  private final LongAdder batches = new LongAdder();
  private final LongAdder samples = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final OpenFalconJson json = new OpenFalconJson(new SampleValidator(Clock.systemUTC()));
  private final ThreadPoolExecutor executor =
      NamedExecutors.fixed("test-http", 4, 256, new ThreadPoolExecutor.AbortPolicy());
  private final HttpServer server;

  TestHttpTransfer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(executor);
    server.createContext("/api/push", this::handle);
    server.start();
  }

  String target() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = HttpExchanges.readBody(ex, 16 << 20);
    ParsedBatch batch;
    try {
      batch = json.parse(new ByteArrayInputStream(body));
    } catch (MalformedBatchException e) {
      HttpExchanges.json(ex, 400, PushSummaryJson.error(e.getMessage()));
      return;
    }
    batches.increment();
    samples.add(batch.total());
    List<Reject> rejects = new ArrayList<>(batch.rejects());
    rejects.add(OpenFalconJson.reject(0, RejectCode.BAD_VALUE, REASON));
    int ok = batch.samples().size() - 1;
    accepted.add(ok);
    rejected.add(batch.total() - ok);
    HttpExchanges.json(ex, 200, PushSummaryJson.of(batch.total(), ok, rejects));
  }

  long batches() {
    return batches.sum();
  }

  long samples() {
    return samples.sum();
  }

  long accepted() {
    return accepted.sum();
  }

  long rejected() {
    return rejected.sum();
  }

  @Override
  public void close() {
    server.stop(0);
    NamedExecutors.shutdown(executor, "test-http", Duration.ofSeconds(2));
  }
}
