package io.peregrine.common.lifecycle;

/**
 * A part of a server with a start and an end: a gRPC server, a queue with its worker, a collector loop. Dependencies
 * come through the constructor; {@link #start()} begins work; {@link #close()} stops it, is idempotent and is safe
 * when start never ran.
 */
public interface Component extends AutoCloseable {
  /** A short name for logs: "transfer-grpc", "graph-store". */
  String name();

  void start() throws Exception;

  @Override
  void close();
}
