package io.peregrine.judge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.eval.RuleLookup;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The wire path refuses exactly what the object rules refuse, with their codes and reasons, one sample at a time. */
class WireBatchJudgeTest {
  static final long T0 = 1_800_000_000L;
  private final ManualClock clock = new ManualClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HistoryStore history = new HistoryStore(11, clock, registry);
  private final WireBatchJudge judge = new WireBatchJudge(new Evaluator(history, () -> RuleLookup.EMPTY,
      e -> true, 11, Duration.ofSeconds(300), clock, registry), null, clock, registry);

  private static Sample.Builder ok() {
    return TestSamples.gauge("host1", "cpu.idle", "core=1", 5, T0).toBuilder();
  }

  @Test
  void everyRejectClassMatchesTheObjectValidator() throws Exception {
    List<Sample> samples = List.of(
        ok().build(),
        ok().setEndpoint("").build(),                                      // MISSING_FIELD
        ok().setMetric("m".repeat(256)).build(),                           // TOO_LONG
        ok().setEndpoint("host\u0001").build(),                            // BAD_CHARACTER
        ok().setTags("a=1,a=2").build(),                                   // BAD_TAGS
        ok().setValue(Double.NaN).build(),                                 // BAD_VALUE
        ok().setStep(0).build(),                                           // BAD_STEP
        ok().setCounterType(CounterType.COUNTER_TYPE_UNSPECIFIED).build(), // BAD_COUNTER_TYPE
        ok().setTimestamp(T0 + 3600).build(),                              // BAD_TIMESTAMP (future)
        ok().setTags("core = 1").build(),                                  // not canonical: accepted, normalised
        ok().setTimestamp(T0 * 1000).build(),                              // milliseconds: accepted
        ok().setEndpoint("h\u00f6st").build());                            // non-ASCII: accepted (slow path)
    PushResponse r = judge.judge(SampleBatch.newBuilder().addAllSamples(samples).build().toByteArray());
    List<Reject> expected = new ArrayList<>();
    SampleValidator objects = new SampleValidator(clock);
    RejectSink sink = (i, code, reason) -> expected.add(Reject.newBuilder().setIndex(i).setCode(code)
        .setReason(reason).build());
    for (int i = 0; i < samples.size(); i++) {
      objects.normalise(samples.get(i), i, sink);
    }
    assertThat(r.getRejectsList()).containsExactlyElementsOf(expected);
    assertThat(r.getRejectsList()).extracting(Reject::getCode).containsExactly(RejectCode.MISSING_FIELD,
        RejectCode.TOO_LONG, RejectCode.BAD_CHARACTER, RejectCode.BAD_TAGS, RejectCode.BAD_VALUE, RejectCode.BAD_STEP,
        RejectCode.BAD_COUNTER_TYPE, RejectCode.BAD_TIMESTAMP);
    assertThat(r.getAccepted()).isEqualTo(4);
    assertThat(r.getRejected()).isEqualTo(8);
    assertThat(history.snapshot("host1", "cpu.idle", "core=1")).as("no rule watches it: nothing kept").isEmpty();
  }

  @Test
  void nonPositiveTimestampsAreRefusedBeforeValidation() throws Exception {
    PushResponse r = judge.judge(SampleBatch.newBuilder().addSamples(ok().setTimestamp(0))
        .addSamples(ok().setTimestamp(-5)).build().toByteArray());
    assertThat(r.getRejectsList()).extracting(Reject::getCode).containsOnly(RejectCode.BAD_TIMESTAMP);
    assertThat(r.getRejects(0).getReason()).isEqualTo("timestamp 0 is not a positive unix time");
    assertThat(r.getRejects(1).getReason()).isEqualTo("timestamp -5 is not a positive unix time");
  }

  @Test
  void unusualEncodingsAreParsedByProtobufAndAccepted() throws Exception {
    // the timestamp written twice (the last wins) and an unknown field: the view refuses, protobuf reads it
    ByteArrayOutputStream sample = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(sample);
    ok().build().writeTo(out);
    out.writeInt64(5, T0 + 60);
    out.writeString(99, "extension");
    out.flush();
    PushResponse r = judge.judge(encodeBatch(ByteString.copyFrom(sample.toByteArray())));
    assertThat(r.getAccepted()).isEqualTo(1);
    assertThat(r.getRejectsCount()).isZero();
  }

  @Test
  void invalidUtf8RefusesOnlyItsSample() throws Exception {
    byte[] bad = ok().setEndpoint("hostX").build().toByteArray();
    for (int i = 0; i < bad.length; i++) {
      if (bad[i] == 'X') {
        bad[i] = (byte) 0xC3; // a lead byte without its continuation
      }
    }
    PushResponse r = judge.judge(encodeBatch(ByteString.copyFrom(bad), ok().build().toByteString()));
    assertThat(r.getRejectsList()).extracting(Reject::getIndex, Reject::getCode)
        .containsExactly(Tuple.tuple(0, RejectCode.BAD_CHARACTER));
    assertThat(r.getAccepted()).isEqualTo(1);
  }

  @Test
  void truncatedSampleIsRefusedAndTruncatedBatchFailsWhole() throws Exception {
    byte[] whole = ok().build().toByteArray();
    byte[] cut = Arrays.copyOf(whole, whole.length - 3); // cut short inside its last field
    PushResponse r = judge.judge(encodeBatch(ByteString.copyFrom(cut)));
    assertThat(r.getRejects(0).getCode()).isEqualTo(RejectCode.MISSING_FIELD);
    assertThat(r.getRejects(0).getReason()).startsWith("sample is not a valid protobuf Sample");
    byte[] batch = SampleBatch.newBuilder().addSamples(ok()).build().toByteArray();
    assertThatThrownBy(() -> judge.judge(Arrays.copyOf(batch, batch.length - 2)))
        .isInstanceOf(WireBatchJudge.MalformedBatch.class).hasMessageContaining("not a valid SampleBatch");
  }

  @Test
  void moreThanTenThousandSamplesJudgeNothing() {
    SampleBatch.Builder big = SampleBatch.newBuilder();
    for (int i = 0; i <= 10_000; i++) {
      big.addSamples(ok().setTimestamp(T0 + i));
    }
    assertThatThrownBy(() -> judge.judge(big.build().toByteArray()))
        .isInstanceOf(WireBatchJudge.TooManySamples.class)
        .hasMessage("batch of 10001 samples exceeds the limit of 10000");
    assertThat(registry.get("judge_received_samples").counter().count()).isZero();
  }

  private static byte[] encodeBatch(ByteString... samples) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(b);
    for (ByteString s : samples) {
      out.writeBytes(1, s);
    }
    out.flush();
    return b.toByteArray();
  }
}
