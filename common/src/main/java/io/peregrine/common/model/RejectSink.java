package io.peregrine.common.model;

import io.peregrine.proto.v1.RejectCode;

/** Receives the reason a sample was refused; a callback rather than a result object keeps the accept path allocation-free. */
@FunctionalInterface
public interface RejectSink {
  void reject(int index, RejectCode code, String reason);
}
