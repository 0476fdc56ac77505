package io.peregrine.transfer.route;

import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import java.time.Duration;

/** Sends one batch to one node and waits for its answer; graph and judge speak the same Push. */
public interface BatchClient extends AutoCloseable {
  /** @throws io.grpc.StatusRuntimeException when the call failed */
  PushResponse push(SampleBatch batch, Duration timeout);

  @Override
  void close();
}
