package io.peregrine.bench.sink;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.peregrine.common.server.RawBytesMarshaller;
import io.peregrine.proto.v1.PushResponse;

/**
 * One service's {@code Push} (Graph's or Judge's), bound with a byte-array request marshaller and counted by
 * {@link SampleCounter}; the service's other methods are not bound, so they answer UNIMPLEMENTED.
 */
final class PushSinkService implements BindableService {
  private final String serviceName;
  private final MethodDescriptor<?, PushResponse> push;
  private final SampleCounter counter;

  PushSinkService(String serviceName, MethodDescriptor<?, PushResponse> push, SampleCounter counter) {
    this.serviceName = serviceName;
    this.push = push;
    this.counter = counter;
  }

  @Override
  public ServerServiceDefinition bindService() {
    MethodDescriptor<byte[], PushResponse> bytes = push.toBuilder(RawBytesMarshaller.INSTANCE,
        ProtoUtils.marshaller(PushResponse.getDefaultInstance())).build();
    return ServerServiceDefinition.builder(serviceName)
        .addMethod(bytes, ServerCalls.asyncUnaryCall(counter::push))
        .build();
  }
}
