package io.peregrine.bench.sink;

import io.peregrine.common.config.Checks;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.JudgeGrpc;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stands in for graph and judge when measuring transfer: serves {@code Graph.Push} and {@code Judge.Push} on two
 * addresses with the production gRPC settings ({@link GrpcServerHost}), answers every batch "all accepted", counts
 * the samples (on the wire bytes, {@link SampleCounter}) and throws them away. Transfer's own cost is then what is left when the sink costs next to nothing.
 */
public final class BenchSink implements Component {
  /** Counting walks a batch's fields (nanoseconds per sample); four threads keep up with several transfers. */
  public static final int DEFAULT_THREADS = 4;

  private final String graphListen;
  private final String judgeListen;
  private final int threads;
  private final TlsConfig tls;
  private final SampleCounter graph;
  private final SampleCounter judge;
  private final Lifecycle lifecycle = new Lifecycle("bench-sink");
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile GrpcServerHost graphServer;
  private volatile GrpcServerHost judgeServer;

  /**
   * @param graphListen {@code host:port} for the Graph service (port 0 = any free port, see {@link #graphPort()})
   * @param judgeListen {@code host:port} for the Judge service
   * @param threads gRPC handler threads per service
   */
  public BenchSink(String graphListen, String judgeListen, int threads) {
    this(graphListen, judgeListen, threads, TlsConfig.off(), false);
  }

  /**
   * @param tls TLS of both services ({@code server} on = TLS)
   * @param checkOrder count samples that arrive older than their series' newest one ({@link #graphBackwards()})
   */
  public BenchSink(String graphListen, String judgeListen, int threads, TlsConfig tls, boolean checkOrder) {
    this.tls = tls;
    this.graph = new SampleCounter("bench-sink graph", checkOrder);
    this.judge = new SampleCounter("bench-sink judge", checkOrder);
    this.graphListen = Checks.address("graph-listen", graphListen);
    this.judgeListen = Checks.address("judge-listen", judgeListen);
    this.threads = Checks.positive("threads", threads);
  }

  @Override
  public String name() {
    return "bench-sink";
  }

  @Override
  public void start() throws Exception {
    TlsMaterial material = lifecycle.start(new TlsMaterial("bench_sink", tls, null));
    graphServer = lifecycle.start(new GrpcServerHost("bench-sink-graph", graphListen, threads,
        List.of(new PushSinkService(GraphGrpc.SERVICE_NAME, GraphGrpc.getPushMethod(), graph)), material));
    judgeServer = lifecycle.start(new GrpcServerHost("bench-sink-judge", judgeListen, threads,
        List.of(new PushSinkService(JudgeGrpc.SERVICE_NAME, JudgeGrpc.getPushMethod(), judge)), material));
  }

  /** The Graph service's bound port (the real one when configured with port 0); only after start. */
  public int graphPort() {
    return started(graphServer).port();
  }

  /** The Judge service's bound port; only after start. */
  public int judgePort() {
    return started(judgeServer).port();
  }

  private static GrpcServerHost started(GrpcServerHost host) {
    if (host == null) {
      throw new IllegalStateException("bench-sink: not started");
    }
    return host;
  }

  /** Samples received by the Graph service since start. */
  public long graphSamples() {
    return graph.samples();
  }

  public long graphBatches() {
    return graph.batches();
  }

  /** Samples received by the Judge service since start. */
  public long judgeSamples() {
    return judge.samples();
  }

  public long judgeBatches() {
    return judge.batches();
  }

  /** Graph samples that arrived older than their series' newest one; -1 without order checking. */
  public long graphBackwards() {
    return graph.backwards();
  }

  public long judgeBackwards() {
    return judge.backwards();
  }

  @Override
  public void close() {
    if (!closed.getAndSet(true)) {
      lifecycle.close();
    }
  }
}
