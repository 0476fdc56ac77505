package io.peregrine.graph.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.graph.store.Admission;
import io.peregrine.graph.store.Drops;
import io.peregrine.graph.store.GraphStore;
import io.peregrine.graph.store.LastPoint;
import io.peregrine.graph.store.QueryResult;
import io.peregrine.graph.store.SeriesMeta;
import io.peregrine.graph.store.SeriesPage;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.DeleteSeriesRequest;
import io.peregrine.proto.v1.DeleteSeriesResponse;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.LastRequest;
import io.peregrine.proto.v1.LastResponse;
import io.peregrine.proto.v1.LastValue;
import io.peregrine.proto.v1.ListSeriesRequest;
import io.peregrine.proto.v1.ListSeriesResponse;
import io.peregrine.proto.v1.Point;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.QueryRequest;
import io.peregrine.proto.v1.QueryResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.SeriesInfo;
import io.peregrine.proto.v1.SeriesRef;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Graph gRPC service. Push re-checks each sample with the pipeline's one validator (transfer already did; a
 * direct client may not have), refuses a bad sample with its reason and queues the rest; once the write queue refuses
 * one sample every later sample of the batch is refused as OVERLOADED too, so that a retry never lands behind newer
 * samples of its series. Reads answer INVALID_ARGUMENT with a description for a bad request, never an exception.
 *
 * <p>DeleteSeries is HTTP's {@code DELETE /api/v1/series}: an endpoint's series, a metric's (optionally one tag
 * set), or a metric on every endpoint; never every series.
 *
 * <p>Limits: 10,000 samples per Push, 1,000 series per Last, ListSeries limit 1,000 by default and at most 10,000,
 * Query at most {@code graph.maxQueryPoints} points.
 */
public final class GraphServiceImpl extends GraphGrpc.GraphImplBase {
  private static final Logger log = LoggerFactory.getLogger(GraphServiceImpl.class);
  public static final int MAX_LAST_SERIES = 1_000;
  public static final int DEFAULT_LIST_LIMIT = 1_000;
  public static final int MAX_LIST_LIMIT = 10_000;

  private final GraphStore store;
  private final SampleValidator validator;
  private final Drops drops;
  private final QueryMetrics metrics;
  private final Counter received;

  public GraphServiceImpl(GraphStore store, Clock clock, Drops drops, QueryMetrics metrics, MeterRegistry registry) {
    this.store = store;
    this.validator = new SampleValidator(clock);
    this.drops = drops;
    this.metrics = metrics;
    this.received = Counter.builder("graph_received_samples").description("samples received by Push")
        .register(registry);
  }

  @Override
  public void push(SampleBatch request, StreamObserver<PushResponse> out) {
    try {
      int n = request.getSamplesCount();
      received.increment(n);
      if (n > Limits.MAX_BATCH_SAMPLES) {
        drops.record("batch_too_large", n, "a Push of " + n + " samples");
        out.onError(Status.INVALID_ARGUMENT.withDescription("batch has " + n + " samples, at most "
            + Limits.MAX_BATCH_SAMPLES + " allowed").asRuntimeException());
        return;
      }
      PushResponse.Builder response = PushResponse.newBuilder();
      int accepted = 0;
      String refusal = null;
      for (int i = 0; i < n; i++) {
        Sample s = validator.normalise(request.getSamples(i), i, (index, code, reason) ->
            reject(response, index, code, reason, code.name().toLowerCase(Locale.ROOT)));
        if (s == null) {
          continue;
        }
        if (refusal != null) {
          reject(response, i, RejectCode.OVERLOADED, refusal, "overloaded");
          continue;
        }
        Admission admission = store.offer(s);
        switch (admission) {
          case ACCEPTED -> accepted++;
          case QUEUE_FULL, NOT_RUNNING -> {
            refusal = admission == Admission.QUEUE_FULL
                ? "graph's write queue is full (" + store.queueSize() + " samples); retry later"
                : "graph is not running (starting or shutting down); retry later";
            reject(response, i, RejectCode.OVERLOADED, refusal, "overloaded");
          }
          case STEP_MISMATCH -> reject(response, i, RejectCode.BAD_STEP, "series " + SeriesKey.of(s)
              + " is stored with step " + stored(s).map(SeriesMeta::step).orElse(0) + " s, this sample has "
              + s.getStep() + " s; a series keeps the step it was created with", "step_mismatch");
          case TYPE_MISMATCH -> reject(response, i, RejectCode.BAD_COUNTER_TYPE, "series " + SeriesKey.of(s)
              + " is stored as " + stored(s).map(m -> m.counterType().name()).orElse("?") + ", this sample is "
              + s.getCounterType() + "; a series keeps the counter type it was created with", "type_mismatch");
        }
      }
      out.onNext(response.setAccepted(accepted).setRejected(response.getRejectsCount()).build());
      out.onCompleted();
    } catch (RuntimeException e) {
      log.error("graph: Push failed", e);
      out.onError(Status.INTERNAL.withDescription("push failed: " + e).asRuntimeException());
    }
  }

  private Optional<SeriesMeta> stored(Sample s) {
    return store.series(SeriesKey.of(s));
  }

  private void reject(PushResponse.Builder response, int index, RejectCode code, String reason, String dropReason) {
    response.addRejects(Reject.newBuilder().setIndex(index).setCode(code).setReason(reason));
    drops.record(dropReason, 1, "sample " + index + ": " + reason);
  }

  @Override
  public void query(QueryRequest request, StreamObserver<QueryResponse> out) {
    long t0 = System.nanoTime();
    String outcome = "error";
    try {
      if (request.getConsolidation() == Consolidation.UNRECOGNIZED) {
        throw new IllegalArgumentException("consolidation must be AVERAGE, MAX or MIN, got code "
            + request.getConsolidationValue());
      }
      SeriesRef s = request.getSeries();
      SeriesRefs.Ref ref = SeriesRefs.of("series.", s.getEndpoint(), s.getMetric(), s.getTags());
      Optional<QueryResult> result = store.query(ref.key(), request.getConsolidation(), request.getStart(),
          request.getEnd(), request.getResolution());
      QueryResponse.Builder response = QueryResponse.newBuilder().setSeries(toProto(ref));
      if (result.isPresent()) {
        QueryResult r = result.get();
        response.setFound(true).setStep(r.step()).setCounterType(r.counterType());
        for (int i = 0; i < r.size(); i++) {
          response.addPoints(Point.newBuilder().setTimestamp(r.timestamps()[i]).setValue(r.values()[i]));
        }
      }
      out.onNext(response.build());
      out.onCompleted();
      outcome = result.isPresent() ? "ok" : "not_found";
    } catch (IllegalArgumentException e) {
      outcome = "invalid";
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException | InternalError e) {
      log.warn("graph: Query of {} failed", request.getSeries(), e);
      out.onError(Status.INTERNAL.withDescription("reading the series failed: " + e).asRuntimeException());
    } finally {
      metrics.record("query", "grpc", outcome, t0);
    }
  }

  @Override
  public void last(LastRequest request, StreamObserver<LastResponse> out) {
    long t0 = System.nanoTime();
    String outcome = "error";
    try {
      int n = request.getSeriesCount();
      if (n > MAX_LAST_SERIES) {
        throw new IllegalArgumentException("Last asks for " + n + " series, at most " + MAX_LAST_SERIES + " allowed");
      }
      List<SeriesRefs.Ref> refs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        SeriesRef s = request.getSeries(i);
        refs.add(SeriesRefs.of("series[" + i + "].", s.getEndpoint(), s.getMetric(), s.getTags()));
      }
      LastResponse.Builder response = LastResponse.newBuilder();
      for (SeriesRefs.Ref ref : refs) {
        LastValue.Builder value = LastValue.newBuilder().setSeries(toProto(ref));
        Optional<LastPoint> last = store.last(ref.key());
        last.ifPresent(p -> value.setFound(true)
            .setPoint(Point.newBuilder().setTimestamp(p.timestamp()).setValue(p.value())));
        response.addValues(value);
      }
      out.onNext(response.build());
      out.onCompleted();
      outcome = "ok";
    } catch (IllegalArgumentException e) {
      outcome = "invalid";
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException | InternalError e) {
      log.warn("graph: Last failed", e);
      out.onError(Status.INTERNAL.withDescription("reading last values failed: " + e).asRuntimeException());
    } finally {
      metrics.record("last", "grpc", outcome, t0);
    }
  }

  @Override
  public void listSeries(ListSeriesRequest request, StreamObserver<ListSeriesResponse> out) {
    long t0 = System.nanoTime();
    String outcome = "error";
    try {
      long limit = Integer.toUnsignedLong(request.getLimit());
      if (limit > MAX_LIST_LIMIT) {
        throw new IllegalArgumentException("limit " + limit + " is more than the " + MAX_LIST_LIMIT + " allowed");
      }
      SeriesPage page = store.list(request.getEndpoint(), request.getMetricPrefix(),
          limit == 0 ? DEFAULT_LIST_LIMIT : (int) limit);
      ListSeriesResponse.Builder response = ListSeriesResponse.newBuilder().setTruncated(page.truncated());
      for (SeriesMeta m : page.series()) {
        response.addSeries(SeriesInfo.newBuilder()
            .setSeries(SeriesRef.newBuilder().setEndpoint(m.endpoint()).setMetric(m.metric()).setTags(m.tags()))
            .setStep(m.step()).setCounterType(m.counterType()));
      }
      out.onNext(response.build());
      out.onCompleted();
      outcome = "ok";
    } catch (IllegalArgumentException e) {
      outcome = "invalid";
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      log.warn("graph: ListSeries failed", e);
      out.onError(Status.INTERNAL.withDescription("listing series failed: " + e).asRuntimeException());
    } finally {
      metrics.record("series", "grpc", outcome, t0);
    }
  }

  @Override
  public void deleteSeries(DeleteSeriesRequest request, StreamObserver<DeleteSeriesResponse> out) {
    long t0 = System.nanoTime();
    String outcome = "error";
    try {
      String tags = request.hasTags() ? SeriesRefs.deleteTags(request.getMetric(), request.getTags()) : "";
      int n = store.delete(request.getEndpoint(), request.getMetric(), tags, request.hasTags());
      out.onNext(DeleteSeriesResponse.newBuilder().setDeleted(n).build());
      out.onCompleted();
      outcome = "ok";
    } catch (IllegalArgumentException e) {
      outcome = "invalid";
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException | RuntimeException e) {
      log.warn("graph: DeleteSeries failed", e);
      out.onError(Status.INTERNAL.withDescription("deleting series failed: " + e).asRuntimeException());
    } finally {
      metrics.record("delete", "grpc", outcome, t0);
    }
  }

  private static SeriesRef toProto(SeriesRefs.Ref ref) {
    return SeriesRef.newBuilder().setEndpoint(ref.endpoint()).setMetric(ref.metric()).setTags(ref.tags()).build();
  }
}
