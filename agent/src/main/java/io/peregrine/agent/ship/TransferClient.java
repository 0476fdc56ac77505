package io.peregrine.agent.ship;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches to a list of transfer addresses, round robin: each batch starts at the next address, and a call that fails
 * moves on to the following one. Each address is sent to over a long-lived {@code Transfer.PushStream}
 * ({@link TransferStream}: one batch in flight, so acknowledgements stay exact); an address that answers UNIMPLEMENTED
 * (a transfer without streams) gets unary {@code Transfer.Push} from then on, this batch included. Only a refusal of the batch itself (INVALID_ARGUMENT: nothing would take
 * it) is passed up as such; any other failure (UNAVAILABLE, DEADLINE_EXCEEDED, an overloaded or broken transfer)
 * tries the next address, and when all failed the caller learns it by {@link Unavailable}. Used by one thread.
 */
final class TransferClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransferClient.class);
  /** Every address failed for this batch; the message lists why. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  private final List<String> addresses;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<TransferGrpc.TransferBlockingStub> stubs = new ArrayList<>();
  private final List<Counter> failures = new ArrayList<>();
  /** Per address: its stream, or null once it answered UNIMPLEMENTED (unary from then on). */
  private final List<TransferStream> streams = new ArrayList<>();
  private final Counter streamed;
  private final Counter unary;
  private final Duration timeout;
  private int next;

  TransferClient(List<String> addresses, Duration timeout, MeterRegistry registry, TlsMaterial tls) {
    this.addresses = List.copyOf(addresses);
    this.timeout = timeout;
    for (String a : addresses) {
      ManagedChannel channel = GrpcChannels.forAddress(a, tls);
      channels.add(channel);
      stubs.add(TransferGrpc.newBlockingStub(channel));
      streams.add(new TransferStream(channel, timeout));
      failures.add(Counter.builder("agent_send_failures").tag("address", a)
          .description("calls to a transfer address that failed (the batch moved on)").register(registry));
    }
    this.streamed = Counter.builder("agent_sent_batches").tag("call", "stream")
        .description("batches transfer answered, by kind of call").register(registry);
    this.unary = Counter.builder("agent_sent_batches").tag("call", "unary")
        .description("batches transfer answered, by kind of call").register(registry);
  }

  /**
   * @throws StatusRuntimeException INVALID_ARGUMENT: transfer refused the batch as a whole
   * @throws Unavailable no address took the batch
   */
  PushResponse push(SampleBatch batch) throws Unavailable {
    StringBuilder why = new StringBuilder();
    int start = next;
    next = (next + 1) % stubs.size();
    for (int i = 0; i < stubs.size(); i++) {
      int k = (start + i) % stubs.size();
      try {
        TransferStream stream = streams.get(k);
        if (stream != null) {
          try {
            PushResponse r = stream.push(batch);
            streamed.increment();
            return r;
          } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
              throw e;
            }
            streams.set(k, null);
            log.info("agent-shipper: transfer {} has no PushStream; sending it unary calls", addresses.get(k));
          }
        }
        PushResponse r = stubs.get(k).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).push(batch);
        unary.increment();
        return r;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
          throw e;
        }
        failures.get(k).increment();
        why.append(why.length() == 0 ? "" : "; ").append(addresses.get(k)).append(": ").append(e.getStatus());
      }
    }
    throw new Unavailable(why.toString());
  }

  /**
   * After an outage, channels wait out gRPC's own reconnect backoff (up to two minutes) and fail calls fast meanwhile;
   * the shipper has its own retry pacing, so it asks for an immediate reconnect before probing.
   */
  void reconnectNow() {
    for (ManagedChannel c : channels) {
      if (c.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        c.resetConnectBackoff();
      }
    }
  }

  @Override
  public void close() {
    streams.stream().filter(java.util.Objects::nonNull).forEach(TransferStream::close);
    channels.forEach(GrpcChannels::close);
  }
}
