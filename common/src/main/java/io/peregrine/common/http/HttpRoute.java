package io.peregrine.common.http;

/** A route of {@link NettyHttpServer}. Runs on the connection's I/O thread: it must not wait on the network. */
@FunctionalInterface
public interface HttpRoute {
  /** Answers one request; an exception answers 500 with its message. */
  HttpAnswer handle(HttpCall call) throws Exception;
}
