package io.peregrine.sender.testing;

import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.proto.v1.IncidentEventBatch;
import io.peregrine.proto.v1.RecordIncidentEventsResponse;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.proto.v1.ReceiversRequest;
import io.peregrine.proto.v1.Silence;
import io.peregrine.proto.v1.Silences;
import io.peregrine.proto.v1.SilencesRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A real gRPC hbs on 127.0.0.1, port 0, that knows the receivers of some actions. */
public final class FakeHbs implements AutoCloseable {
  private final GrpcServerHost host;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger silenceCalls = new AtomicInteger();
  private volatile List<Silence> silences = List.of();
  private final List<IncidentEvent> history = new java.util.concurrent.CopyOnWriteArrayList<>();

  public FakeHbs(Map<Long, List<Receiver>> actions) throws Exception {
    this(actions, Map.of());
  }

  /** @param answers whole answers (callbacks included) for some actions, before {@code actions} */
  public FakeHbs(Map<Long, List<Receiver>> actions, Map<Long, Receivers> answers) throws Exception {
    host = new GrpcServerHost("fake-hbs", "127.0.0.1:0", 2, List.of(new HbsGrpc.HbsImplBase() {
      @Override
      public void getReceivers(ReceiversRequest request, StreamObserver<Receivers> answer) {
        calls.incrementAndGet();
        List<Receiver> people = actions.get(request.getActionId());
        if (answers.containsKey(request.getActionId())) {
          answer.onNext(answers.get(request.getActionId()));
        } else if (people == null) {
          answer.onNext(Receivers.newBuilder().setActionId(request.getActionId()).setFound(false).build());
        } else {
          answer.onNext(Receivers.newBuilder().setActionId(request.getActionId()).setFound(true)
              .addAllReceivers(people).build());
        }
        answer.onCompleted();
      }

      @Override
      public void recordIncidentEvents(IncidentEventBatch request,
          StreamObserver<RecordIncidentEventsResponse> answer) {
        history.addAll(request.getEventsList());
        answer.onNext(RecordIncidentEventsResponse.newBuilder().setAccepted(request.getEventsCount()).build());
        answer.onCompleted();
      }

      @Override
      public void getSilences(SilencesRequest request, StreamObserver<Silences> answer) {
        silenceCalls.incrementAndGet();
        answer.onNext(Silences.newBuilder().addAllSilences(silences).build());
        answer.onCompleted();
      }
    }));
    host.start();
  }

  /** Action 9: alice (mail, phone, IM) and bob (phone only). */
  public static FakeHbs withOnCallTeam() throws Exception {
    return new FakeHbs(Map.of(9L, List.of(
        Receiver.newBuilder().setName("alice").setEmail("alice@example.com").setPhone("13800000001")
            .setIm("alice.im").build(),
        Receiver.newBuilder().setName("bob").setPhone("13800000002").build())));
  }

  public String address() {
    return "127.0.0.1:" + host.port();
  }

  /** What {@code GetSilences} answers from now on. */
  public void silences(List<Silence> silences) {
    this.silences = List.copyOf(silences);
  }

  /** The incident history entries senders recorded, in arrival order. */
  public List<IncidentEvent> history() {
    return List.copyOf(history);
  }

  public int silenceCalls() {
    return silenceCalls.get();
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public void close() {
    host.close();
  }
}
