package io.peregrine.bench.push;

import io.grpc.Status;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;

/** How both gRPC modes count an answer or a failed call. */
final class GrpcAnswers {
  private GrpcAnswers() {}

  static void count(PushCounters counters, int connection, long startNanos, PushResponse response) {
    counters.answered(connection, startNanos, response.getAccepted(), response.getRejected());
    for (Reject r : response.getRejectsList()) {
      counters.reject(startNanos, r.getCode().name(), "sample " + r.getIndex() + ": " + r.getReason());
    }
  }

  static void failed(PushCounters counters, long startNanos, int samples, Status status) {
    counters.failed(startNanos, samples, status.getCode().name(),
        status.getDescription() != null ? status.getDescription() : String.valueOf(status.getCause()));
  }
}
