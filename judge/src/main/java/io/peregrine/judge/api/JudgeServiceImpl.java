package io.peregrine.judge.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.expr.ExprJudge;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Judge.Push}: judges each sample of a batch in order. Only malformed samples are rejected (with the same
 * rules as every ingress, plus: the timestamp must be positive, since transfer already filled in missing ones);
 * a sample that is well formed but not judged (older than the series' newest point, or of a series no strategy
 * watches) is accepted and counted on {@code /metrics}. At most {@link Limits#MAX_BATCH_SAMPLES} samples per batch.
 */
public final class JudgeServiceImpl extends JudgeGrpc.JudgeImplBase {
  private static final Logger log = LoggerFactory.getLogger(JudgeServiceImpl.class);

  private final Evaluator evaluator;
  private final ExprJudge expressions;
  private final SampleValidator validator;
  private final Counter received;
  private final Counter malformed;
  private final Counter badTimestamp;

  public JudgeServiceImpl(Evaluator evaluator, Clock clock, MeterRegistry registry) {
    this(evaluator, null, clock, registry);
  }

  /** @param expressions multi-metric expressions, offered every judged sample; null for none */
  public JudgeServiceImpl(Evaluator evaluator, ExprJudge expressions, Clock clock, MeterRegistry registry) {
    this.evaluator = evaluator;
    this.expressions = expressions;
    this.validator = new SampleValidator(clock);
    this.received = Counter.builder("judge.samples.received").description("samples received by Judge.Push")
        .register(registry);
    this.malformed = Counter.builder("judge.samples.dropped").tag("reason", "malformed")
        .description("samples not judged, by reason").register(registry);
    this.badTimestamp = Counter.builder("judge.samples.dropped").tag("reason", "bad_timestamp")
        .description("samples not judged, by reason").register(registry);
  }

  @Override
  public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    int n = batch.getSamplesCount();
    if (n > Limits.MAX_BATCH_SAMPLES) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("batch of " + n + " samples exceeds the limit of "
          + Limits.MAX_BATCH_SAMPLES).asRuntimeException());
      return;
    }
    try {
      received.increment(n);
      PushResponse.Builder answer = PushResponse.newBuilder();
      // one sink per batch, not one lambda per sample
      io.peregrine.common.model.RejectSink rejects = (index, code, reason) ->
          answer.addRejects(Reject.newBuilder().setIndex(index).setCode(code).setReason(reason));
      int rejected = 0;
      for (int i = 0; i < n; i++) {
        Sample raw = batch.getSamples(i);
        if (raw.getTimestamp() <= 0) {
          badTimestamp.increment();
          answer.addRejects(Reject.newBuilder().setIndex(i).setCode(RejectCode.BAD_TIMESTAMP)
              .setReason("timestamp " + raw.getTimestamp() + " is not a positive unix time"));
          rejected++;
          continue;
        }
        int before = answer.getRejectsCount();
        Sample s = validator.normalise(raw, i, rejects);
        if (s == null) {
          if (answer.getRejectsCount() == before) {
            answer.addRejects(Reject.newBuilder().setIndex(i).setCode(RejectCode.REJECT_CODE_UNSPECIFIED)
                .setReason("refused by validation"));
          }
          malformed.increment();
          rejected++;
          continue;
        }
        evaluator.judge(s);
        if (expressions != null) {
          expressions.judge(s); // multi-metric expressions (io.peregrine.judge.expr) keep their own state
        }
      }
      response.onNext(answer.setAccepted(n - rejected).setRejected(rejected).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      log.error("judge: Push of {} samples failed", n, e);
      response.onError(Status.INTERNAL.withDescription("judge failed: " + e).asRuntimeException());
    }
  }
}
