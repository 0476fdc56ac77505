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
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches to a list of transfer addresses, round robin: each batch starts at the next address, and a call that fails
 * moves on to the following one. Each address is sent to over a long-lived {@code Transfer.PushStream}
 * ({@link TransferStream}: a group of batches in flight, answered batch by batch, so acknowledgements stay exact); an
 * address that answers UNIMPLEMENTED (a transfer without streams) gets unary {@code Transfer.Push} calls, one batch
 * at a time, from then on, this group included. Only a refusal of a batch itself (INVALID_ARGUMENT: nothing would
 * take it) is passed up as such; any other failure (UNAVAILABLE, DEADLINE_EXCEEDED, an overloaded or broken
 * transfer) sends the batches not yet answered to the next address, and when all failed the caller learns it.
 * Used by one thread.
 */
final class TransferClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransferClient.class);
  private final List<String> addresses;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Counter> failures = new ArrayList<>();
  /** Per address: its stream, or null once it answered UNIMPLEMENTED (unary from then on). */
  private final List<TransferStream> streams = new ArrayList<>();
  private final Counter streamed;
  private final Counter unary;
  private final Duration timeout;
  private int next;
  private String lastFailures = "";

  TransferClient(List<String> addresses, Duration timeout, MeterRegistry registry, TlsMaterial tls) {
    this.addresses = List.copyOf(addresses);
    this.timeout = timeout;
    for (String a : addresses) {
      // no gRPC-level retry: the shipper retries itself, and a retry would read a batch buffer reused since
      ManagedChannel channel = GrpcChannels.builder(a, tls).disableRetry().build();
      channels.add(channel);
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
   * Sends a group of batches (at most {@link TransferStream#MAX_IN_FLIGHT}), in order, starting at the next address;
   * batches an address did not answer move on to the following one, in order.
   *
   * @return per batch, in order: its {@link PushResponse}; a {@link StatusRuntimeException} INVALID_ARGUMENT when
   *     transfer refused it as a whole; or null when no address took it (then neither did any address take the
   *     batches after it; {@link #lastFailures()} says why)
   */
  List<Object> pushAll(List<WireSamples> batches) {
    List<Object> out = new ArrayList<>(batches.size());
    StringBuilder why = new StringBuilder();
    int k = next;
    next = (next + 1) % channels.size();
    int failedInRow = 0; // addresses that failed since the last answer: all of them = give up
    while (out.size() < batches.size() && failedInRow < channels.size()) {
      List<WireSamples> rest = batches.subList(out.size(), batches.size());
      StatusRuntimeException failure = null;
      TransferStream stream = streams.get(k);
      if (stream != null) {
        TransferStream.Result r = stream.pushAll(rest);
        out.addAll(r.answered());
        streamed.increment(r.answered().size());
        failure = r.failure();
        if (failure != null && failure.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          streams.set(k, null);
          log.info("agent-shipper: transfer {} has no PushStream; sending it unary calls", addresses.get(k));
          continue; // the same address, unary
        }
        if (!r.answered().isEmpty()) {
          failedInRow = 0;
        }
      } else {
        for (WireSamples b : rest) {
          try {
            out.add(ClientCalls.blockingUnaryCall(channels.get(k), WireMethods.PUSH,
                CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), b));
            unary.increment();
            failedInRow = 0;
          } catch (StatusRuntimeException e) {
            failure = e;
            break;
          }
        }
      }
      if (failure == null) {
        break;
      }
      if (failure.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        out.add(failure); // that batch is refused for good; the rest go on, from the same address
        failedInRow = 0;
        continue;
      }
      failures.get(k).increment();
      why.append(why.length() == 0 ? "" : "; ").append(addresses.get(k)).append(": ").append(failure.getStatus());
      failedInRow++;
      k = (k + 1) % channels.size();
    }
    while (out.size() < batches.size()) {
      out.add(null);
    }
    lastFailures = why.toString();
    return out;
  }

  /** Why the last group's unsent batches were not taken, address by address. */
  String lastFailures() {
    return lastFailures;
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
