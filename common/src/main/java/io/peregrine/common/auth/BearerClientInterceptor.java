package io.peregrine.common.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/** Sends a token as {@code authorization: Bearer <token>} on every call of a channel. */
public final class BearerClientInterceptor implements ClientInterceptor {
  private final String header;

  public BearerClientInterceptor(String token) {
    this.header = Bearer.header(token);
  }

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<A> listener, Metadata headers) {
        headers.put(GrpcTokenInterceptor.AUTHORIZATION, header);
        super.start(listener, headers);
      }
    };
  }
}
