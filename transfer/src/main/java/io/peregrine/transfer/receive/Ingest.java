package io.peregrine.transfer.receive;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.transfer.route.Router;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What every ingress does with a batch: validate each sample, route the good ones, say why for the others. */
public final class Ingest {
  private final SampleValidator validator;
  private final Router router;
  private final MeterRegistry registry;
  private final Map<RejectCode, Counter> rejected = new EnumMap<>(RejectCode.class);
  private final Counter receivedGrpc;
  private final Counter receivedHttp;

  public Ingest(SampleValidator validator, Router router, MeterRegistry registry) {
    this.validator = validator;
    this.router = router;
    this.registry = registry;
    this.receivedGrpc = received("grpc");
    this.receivedHttp = received("http");
    for (RejectCode code : RejectCode.values()) {
      if (code != RejectCode.UNRECOGNIZED && code != RejectCode.REJECT_CODE_UNSPECIFIED) {
        rejected.put(code, Counter.builder("transfer_rejected_samples").tag("code", code.name())
            .description("samples refused at ingest, by reason").register(registry));
      }
    }
  }

  private Counter received(String ingress) {
    return Counter.builder("transfer_received_samples").tag("ingress", ingress)
        .description("samples received, before validation").register(registry);
  }

  /** Validates and routes a gRPC batch. */
  public PushResponse push(List<Sample> samples) {
    receivedGrpc.increment(samples.size());
    PushResponse.Builder response = PushResponse.newBuilder();
    RejectSink sink = (i, code, reason) -> addReject(response, i, code, reason);
    int accepted = 0;
    for (int i = 0, n = samples.size(); i < n; i++) {
      Sample s = validator.normalise(samples.get(i), i, sink);
      if (s != null && routeOne(s, i, sink)) {
        accepted++;
      }
    }
    return response.setAccepted(accepted).setRejected(samples.size() - accepted).build();
  }

  /** Routes samples the JSON reader already validated; {@code indexes} are their positions in the request. */
  public int routeValidated(List<Sample> samples, int[] indexes, List<Reject> rejects) {
    receivedHttp.increment(samples.size() + rejects.size());
    for (Reject r : rejects) {
      count(r.getCode());
    }
    int accepted = 0;
    for (int i = 0, n = samples.size(); i < n; i++) {
      int index = indexes[i];
      if (routeOne(samples.get(i), index, (idx, code, reason) -> {
        count(code);
        rejects.add(Reject.newBuilder().setIndex(idx).setCode(code).setReason(reason).build());
      })) {
        accepted++;
      }
    }
    return accepted;
  }

  private boolean routeOne(Sample s, int index, RejectSink sink) {
    if (router.route(s)) {
      return true;
    }
    sink.reject(index, RejectCode.OVERLOADED, "transfer's queue to a graph or judge node is full: retry later");
    return false;
  }

  private void addReject(PushResponse.Builder response, int index, RejectCode code, String reason) {
    count(code);
    response.addRejects(Reject.newBuilder().setIndex(index).setCode(code).setReason(reason));
  }

  private void count(RejectCode code) {
    Counter c = rejected.get(code);
    if (c != null) {
      c.increment();
    }
  }
}
