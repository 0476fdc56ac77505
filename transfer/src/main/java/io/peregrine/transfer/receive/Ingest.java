package io.peregrine.transfer.receive;

import com.google.protobuf.CodedInputStream;
import io.grpc.Status;
import io.grpc.StatusException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconWireJson;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.WireSampleValidator;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.transfer.route.Router;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every ingress does with a request: validate each sample, route the good ones to every destination (all or
 * none of the request, see {@link Router}), say why for the others. Both paths work on bytes: gRPC on the request's
 * own encoding, JSON read straight into {@code Sample} wire bytes ({@link OpenFalconWireJson}); no {@code Sample}
 * object per sample, and a sample travels on as the bytes it came in (rewritten only when its timestamp or tags
 * needed normalising). Counters are incremented once per request.
 */
public final class Ingest {
  private static final Logger log = LoggerFactory.getLogger(Ingest.class);

  /** Every queue of a destination the request touches is full (memory and disk budget): retry later. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final Router router;
  private final Map<RejectCode, Counter> rejected = new EnumMap<>(RejectCode.class);
  private final Counter receivedGrpc;
  private final Counter receivedHttp;
  private final Counter receivedRpc;
  /** One ingest thread's reusable state: one thread-local lookup per request instead of one per object. */
  private final class PerThread {
    final Router.Routing routing = router.newRouting();
    final WireSampleValidator validator;
    final WireSampleValidator.Accepted accepted = new WireSampleValidator.Accepted();
    final Rejects rejects = new Rejects();
    private final Clock clock;
    private OpenFalconWireJson jsonReader; // made on the first JSON request (gRPC threads never need one)

    PerThread(Clock clock) {
      this.clock = clock;
      this.validator = new WireSampleValidator(clock);
    }

    OpenFalconWireJson jsonReader() {
      if (jsonReader == null) {
        jsonReader = new OpenFalconWireJson(clock);
      }
      return jsonReader;
    }
  }

  private final ThreadLocal<PerThread> perThread;

  public Ingest(Clock clock, Router router, MeterRegistry registry) {
    this.router = router;
    this.perThread = ThreadLocal.withInitial(() -> new PerThread(clock));
    this.receivedGrpc = received(registry, "grpc");
    this.receivedHttp = received(registry, "http");
    this.receivedRpc = received(registry, "jsonrpc");
    for (RejectCode code : RejectCode.values()) {
      if (code != RejectCode.UNRECOGNIZED && code != RejectCode.REJECT_CODE_UNSPECIFIED) {
        rejected.put(code, Counter.builder("transfer_rejected_samples").tag("code", code.name())
            .description("samples refused at ingest, by reason").register(registry));
      }
    }
  }

  private static Counter received(MeterRegistry registry, String ingress) {
    return Counter.builder("transfer_received_samples").tag("ingress", ingress)
        .description("samples received, before validation").register(registry);
  }

  /**
   * Validates and routes an encoded {@code SampleBatch}.
   *
   * @throws StatusException INVALID_ARGUMENT (not a SampleBatch, too many samples), RESOURCE_EXHAUSTED (a
   *     destination's queues are full: nothing of the batch was taken), UNAVAILABLE (a disk queue failed)
   */
  public PushResponse pushWire(byte[] request) throws StatusException {
    PerThread state = perThread.get();
    Router.Routing routing = state.routing.begin();
    WireSampleValidator validator = state.validator;
    WireSampleValidator.Accepted out = state.accepted;
    Rejects sink = state.rejects;
    sink.response = null;
    int total = 0;
    int bad = 0;
    CodedInputStream in = CodedInputStream.newInstance(request);
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag != 10) {
          in.skipField(tag);
          continue;
        }
        int len = in.readRawVarint32();
        int off = in.getTotalBytesRead();
        in.skipRawBytes(len);
        if (total >= Limits.MAX_BATCH_SAMPLES) {
          throw Status.INVALID_ARGUMENT.withDescription("batch has more than " + Limits.MAX_BATCH_SAMPLES
              + " samples: split it").asException();
        }
        int index = total++;
        if (validator.normalise(request, off, len, index, sink, out)) {
          routing.add(out.hash, out.bytes, out.offset, out.length);
        } else {
          bad++;
        }
      }
    } catch (IOException e) {
      throw Status.INVALID_ARGUMENT.withDescription("request is not a valid SampleBatch: " + e.getMessage())
          .asException();
    }
    receivedGrpc.increment(total);
    commit(routing);
    PushResponse.Builder response = sink.response;
    sink.response = null;
    if (response == null) {
      return PushResponse.newBuilder().setAccepted(total).build();
    }
    for (Reject r : response.getRejectsList()) {
      count(r.getCode());
    }
    return response.setAccepted(total - bad).setRejected(bad).build();
  }

  private void commit(Router.Routing routing) throws StatusException {
    try {
      String full = routing.commit();
      if (full != null) {
        throw Status.RESOURCE_EXHAUSTED.withDescription("transfer's queue for destination " + full
            + " is full (memory and disk budget): nothing of this batch was taken; retry later").asException();
      }
    } catch (IOException e) {
      log.error("transfer: writing a disk queue failed", e);
      throw Status.UNAVAILABLE.withDescription("transfer could not write its disk queue: " + e.getMessage())
          .asException();
    }
  }

  /**
   * Reads an Open-Falcon JSON body straight into wire bytes, validates and routes it (HTTP {@code /api/push} and
   * JSON-RPC {@code Transfer.Update}).
   *
   * @return the items and the refused ones (the others were taken)
   * @throws MalformedBatchException when the body is not a JSON array of samples (nothing was taken)
   * @throws Refused when a destination's queues are full (nothing was taken)
   * @throws IOException when a disk queue failed to write
   */
  public OpenFalconWireJson.Result pushJson(byte[] body, int offset, int length, boolean jsonRpc)
      throws MalformedBatchException, Refused, IOException {
    PerThread state = perThread.get();
    Router.Routing routing = state.routing.begin();
    OpenFalconWireJson.Result result = state.jsonReader().read(body, offset, length, routing::add);
    (jsonRpc ? receivedRpc : receivedHttp).increment(result.total());
    for (Reject r : result.rejects()) {
      count(r.getCode());
    }
    String full = routing.commit();
    if (full != null) {
      throw new Refused("transfer's queue for destination " + full
          + " is full (memory and disk budget): nothing of this batch was taken; retry later");
    }
    return result;
  }

  /** Collects a request's rejects; the answer's builder is made only when something is refused. */
  private static final class Rejects implements RejectSink {
    PushResponse.Builder response;

    @Override
    public void reject(int index, RejectCode code, String reason) {
      if (response == null) {
        response = PushResponse.newBuilder();
      }
      response.addRejects(Reject.newBuilder().setIndex(index).setCode(code).setReason(reason));
    }
  }

  private void count(RejectCode code) {
    Counter c = rejected.get(code);
    if (c != null) {
      c.increment();
    }
  }
}
