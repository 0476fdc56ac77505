package io.peregrine.transfer.route;

import io.grpc.ManagedChannel;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.JudgeGrpc;
import java.util.concurrent.TimeUnit;

/** Batch clients for the two kinds of destination, each over its own channel. */
public final class GrpcBatchClients {
  private GrpcBatchClients() {}

  public static BatchClient graph(String address) {
    ManagedChannel channel = GrpcChannels.forAddress(address);
    GraphGrpc.GraphBlockingStub stub = GraphGrpc.newBlockingStub(channel);
    return client(channel, (batch, timeout) ->
        stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).push(batch));
  }

  public static BatchClient judge(String address) {
    ManagedChannel channel = GrpcChannels.forAddress(address);
    JudgeGrpc.JudgeBlockingStub stub = JudgeGrpc.newBlockingStub(channel);
    return client(channel, (batch, timeout) ->
        stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).push(batch));
  }

  private interface Call {
    io.peregrine.proto.v1.PushResponse push(io.peregrine.proto.v1.SampleBatch batch, java.time.Duration timeout);
  }

  private static BatchClient client(ManagedChannel channel, Call call) {
    return new BatchClient() {
      @Override
      public io.peregrine.proto.v1.PushResponse push(io.peregrine.proto.v1.SampleBatch batch,
          java.time.Duration timeout) {
        return call.push(batch, timeout);
      }

      @Override
      public void close() {
        GrpcChannels.close(channel);
      }
    };
  }
}
