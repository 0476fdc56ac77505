package io.peregrine.transfer;

import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real gRPC graph+judge endpoint on loopback that keeps what it receives. */
final class CountingNode implements AutoCloseable {
  final List<Sample> graph = new CopyOnWriteArrayList<>();
  final List<Sample> judge = new CopyOnWriteArrayList<>();
  private final GrpcServerHost host;

  CountingNode(String listen) throws Exception {
    host = new GrpcServerHost("test-node", listen, 2, List.of(new GraphGrpc.GraphImplBase() {
      @Override
      public void push(SampleBatch batch, StreamObserver<PushResponse> out) {
        graph.addAll(batch.getSamplesList());
        out.onNext(PushResponse.newBuilder().setAccepted(batch.getSamplesCount()).build());
        out.onCompleted();
      }
    }, new JudgeGrpc.JudgeImplBase() {
      @Override
      public void push(SampleBatch batch, StreamObserver<PushResponse> out) {
        judge.addAll(batch.getSamplesList());
        out.onNext(PushResponse.newBuilder().setAccepted(batch.getSamplesCount()).build());
        out.onCompleted();
      }
    }));
    host.start();
  }

  String address() {
    return "127.0.0.1:" + host.port();
  }

  int port() {
    return host.port();
  }

  @Override
  public void close() {
    host.close();
  }
}
