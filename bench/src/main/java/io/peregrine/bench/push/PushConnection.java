package io.peregrine.bench.push;

/**
 * One connection to the target: a gRPC channel (unary calls or one stream) or an HTTP connection. Used by one
 * {@link SendLoop} thread; answers may arrive on other threads.
 */
interface PushConnection extends AutoCloseable {
  /** Called exactly once per request, when it was answered ({@code ok}) or failed as a whole. */
  interface Completion {
    void done(boolean ok);
  }

  /** Sends batch {@code index} of the pool, counting it; may block (HTTP) or return at once (gRPC). */
  void send(int index, Completion completion);

  /** After the last send, once every request was answered: ends a stream cleanly. */
  default void finish() {}

  /** Releases the connection; idempotent. */
  @Override
  void close();
}
