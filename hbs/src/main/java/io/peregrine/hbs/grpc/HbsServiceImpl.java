package io.peregrine.hbs.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.peregrine.hbs.resolve.ConfigRefresher;
import io.peregrine.hbs.resolve.ResolvedSet;
import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.HostLiveness;
import io.peregrine.proto.v1.HostLivenessRequest;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.proto.v1.ReceiversRequest;
import io.peregrine.proto.v1.IncidentEventBatch;
import io.peregrine.proto.v1.RecordIncidentEventsResponse;
import io.peregrine.proto.v1.Silences;
import io.peregrine.proto.v1.SilencesRequest;
import io.peregrine.proto.v1.StrategiesRequest;
import io.peregrine.proto.v1.StrategySet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code Hbs} gRPC service. Bad input answers INVALID_ARGUMENT, a database failure UNAVAILABLE. */
public final class HbsServiceImpl extends HbsGrpc.HbsImplBase {
  private static final Logger log = LoggerFactory.getLogger(HbsServiceImpl.class);

  private final HeartbeatService heartbeats;
  private final ConfigRefresher refresher;
  private final ReceiversService receivers;
  private final LivenessService liveness;
  private final SilencesService silences;
  private final IncidentEventsService incidentEvents;

  public HbsServiceImpl(HeartbeatService heartbeats, ConfigRefresher refresher, ReceiversService receivers,
      LivenessService liveness) {
    this(heartbeats, refresher, receivers, liveness, null, null);
  }

  /**
   * @param silences answers {@code GetSilences}; null = UNIMPLEMENTED
   * @param incidentEvents answers {@code RecordIncidentEvents}; null = UNIMPLEMENTED
   */
  public HbsServiceImpl(HeartbeatService heartbeats, ConfigRefresher refresher, ReceiversService receivers,
      LivenessService liveness, SilencesService silences, IncidentEventsService incidentEvents) {
    this.incidentEvents = incidentEvents;
    this.heartbeats = heartbeats;
    this.refresher = refresher;
    this.receivers = receivers;
    this.liveness = liveness;
    this.silences = silences;
  }

  @Override
  public void recordIncidentEvents(IncidentEventBatch request,
      StreamObserver<RecordIncidentEventsResponse> response) {
    if (incidentEvents == null) {
      super.recordIncidentEvents(request, response);
      return;
    }
    answer("RecordIncidentEvents", response, () -> incidentEvents.record(request));
  }

  @Override
  public void getSilences(SilencesRequest request, StreamObserver<Silences> response) {
    if (silences == null) {
      super.getSilences(request, response);
      return;
    }
    answer("GetSilences", response, silences::silences);
  }

  @Override
  public void heartbeat(AgentHeartbeat request, StreamObserver<AgentConfig> response) {
    answer("Heartbeat", response, () -> heartbeats.heartbeat(request));
  }

  @Override
  public void getStrategies(StrategiesRequest request, StreamObserver<StrategySet> response) {
    answer("GetStrategies", response, () -> {
      ResolvedSet current = refresher.current();
      if (request.getKnownVersion() != 0 && request.getKnownVersion() == current.version()) {
        return StrategySet.newBuilder().setUnchanged(true).build();
      }
      return current.set();
    });
  }

  @Override
  public void getReceivers(ReceiversRequest request, StreamObserver<Receivers> response) {
    answer("GetReceivers", response, () -> receivers.receivers(request.getActionId()));
  }

  @Override
  public void getHostLiveness(HostLivenessRequest request, StreamObserver<HostLiveness> response) {
    answer("GetHostLiveness", response, () -> liveness.liveness(request.getKnownVersion()));
  }

  private static <T> void answer(String call, StreamObserver<T> response, Supplier<T> work) {
    T result;
    try {
      result = work.get();
    } catch (HeartbeatService.InvalidHeartbeatException | IncidentEventsService.TooLargeException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      log.warn("hbs: {} failed", call, e);
      response.onError(Status.UNAVAILABLE.withDescription("hbs could not answer " + call + ": " + e.getMessage())
          .asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
