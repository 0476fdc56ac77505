package io.peregrine.judge.api;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.model.Limits;
import io.peregrine.common.server.RawBytesMarshaller;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.expr.ExprJudge;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Judge.Push}, bound with a byte-array request marshaller: the batch is read in place from the request's
 * bytes ({@link WireBatchJudge}), so judging a sample makes no {@code Sample} object and no string. Only malformed
 * samples are rejected (with the same rules as every ingress, plus: the timestamp must be positive, since transfer
 * already filled in missing ones); a sample that is well formed but not judged (older than the series' newest
 * point, or of a series no strategy watches) is accepted and counted on {@code /metrics}. At most
 * {@link Limits#MAX_BATCH_SAMPLES} samples per batch.
 */
public final class JudgeServiceImpl implements BindableService {
  private static final Logger log = LoggerFactory.getLogger(JudgeServiceImpl.class);

  private static final RawBytesMarshaller BYTES = RawBytesMarshaller.INSTANCE;

  private final WireBatchJudge batches;

  public JudgeServiceImpl(Evaluator evaluator, Clock clock, MeterRegistry registry) {
    this(evaluator, null, clock, registry);
  }

  /** @param expressions multi-metric expressions, offered every judged sample; null for none */
  public JudgeServiceImpl(Evaluator evaluator, ExprJudge expressions, Clock clock, MeterRegistry registry) {
    this.batches = new WireBatchJudge(evaluator, expressions, clock, registry);
  }

  @Override
  public ServerServiceDefinition bindService() {
    return ServerServiceDefinition.builder(JudgeGrpc.SERVICE_NAME)
        .addMethod(JudgeGrpc.getPushMethod().toBuilder(BYTES,
            ProtoUtils.marshaller(PushResponse.getDefaultInstance())).build(), ServerCalls.asyncUnaryCall(this::push))
        .build();
  }

  /** The service method on an encoded {@code SampleBatch}. */
  public void push(byte[] request, StreamObserver<PushResponse> response) {
    PushResponse answer;
    try {
      answer = batches.judge(request);
    } catch (WireBatchJudge.TooManySamples e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (WireBatchJudge.MalformedBatch e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      log.error("judge: Push of {} bytes failed", request.length, e);
      response.onError(Status.INTERNAL.withDescription("judge failed: " + e).asRuntimeException());
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }

  /** The service method on a batch object (tests, in-process callers): encodes it and judges the bytes. */
  public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    push(batch.toByteArray(), response);
  }
}
