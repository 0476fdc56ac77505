package io.peregrine.transfer.send;

import io.peregrine.proto.v1.PushResponse;

/** Sends one payload to one destination node and waits for the answer. Used by one lane worker at a time. */
public interface BatchSender extends AutoCloseable {
  /**
   * @return the node's answer; its rejects name samples by their position in {@code payload}
   * @throws SendException when the call failed, saying whether to retry
   */
  PushResponse send(Payload payload) throws SendException;

  @Override
  void close();
}
