package io.peregrine.judge.api;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.model.WireSampleValidator;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.FastSampleCheck;
import io.peregrine.judge.eval.SampleTally;
import io.peregrine.judge.eval.SampleView;
import io.peregrine.judge.expr.ExprJudge;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.time.Clock;

/**
 * Judges an encoded {@code SampleBatch} in batch order, reading each sample in place into a per-thread
 * {@link SampleView}. Validation is every ingress's ({@link WireSampleValidator}: {@code SampleValidator}'s rules on
 * the bytes, the same codes and reasons), preceded by the judge's own: the timestamp must be positive. A sample in
 * an encoding the view does not read (unknown fields, a repeated timestamp, over-long lengths) is parsed by protobuf
 * and validated as an object, then judged through the same view: the same result, only slower.
 */
final class WireBatchJudge {
  /** The batch has more samples than {@link Limits#MAX_BATCH_SAMPLES}: nothing of it was judged. */
  static final class TooManySamples extends Exception {
    TooManySamples(String message) {
      super(message, null, false, false);
    }
  }

  /** The request is not a SampleBatch: nothing of it was judged. */
  static final class MalformedBatch extends Exception {
    MalformedBatch(String message) {
      super(message, null, false, false);
    }
  }

  private final Evaluator evaluator;
  private final ExprJudge expressions;
  private final SampleValidator objects;
  private final Clock clock;
  private final ThreadLocal<PerThread> perThread;
  private final Counter received;
  private final Counter malformed;
  private final Counter badTimestamp;

  /** Samples read, proved and prefetched together before they are judged in order. */
  private static final int WINDOW = Evaluator.PREFETCH_WINDOW;

  /** What one judging thread reuses for every sample. */
  private static final class PerThread implements RejectSink {
    final SampleView view = new SampleView();
    /** The window: views of samples proved valid as they are ({@code fast}), offsets and lengths of every one. */
    final SampleView[] views = new SampleView[WINDOW];
    final boolean[] fast = new boolean[WINDOW];
    final int[] offsets = new int[WINDOW];
    final int[] lengths = new int[WINDOW];
    final SampleTally tally = new SampleTally();
    final WireSampleValidator validator;
    final WireSampleValidator.Accepted accepted = new WireSampleValidator.Accepted();
    PushResponse.Builder rejects;
    long nowMillis;
    long nowSeconds;

    PerThread(Clock clock) {
      validator = new WireSampleValidator(clock);
      for (int i = 0; i < WINDOW; i++) {
        views[i] = new SampleView();
      }
    }

    @Override
    public void reject(int index, RejectCode code, String reason) {
      if (rejects == null) {
        rejects = PushResponse.newBuilder();
      }
      rejects.addRejects(Reject.newBuilder().setIndex(index).setCode(code).setReason(reason));
    }
  }

  WireBatchJudge(Evaluator evaluator, ExprJudge expressions, Clock clock, MeterRegistry registry) {
    this.evaluator = evaluator;
    this.expressions = expressions;
    this.objects = new SampleValidator(clock);
    this.clock = clock;
    this.perThread = ThreadLocal.withInitial(() -> new PerThread(clock));
    this.received = Counter.builder("judge_received_samples").description("samples received by Judge.Push")
        .register(registry);
    this.malformed = Counter.builder("judge_dropped_samples").tag("reason", "malformed")
        .description("samples not judged, by reason").register(registry);
    this.badTimestamp = Counter.builder("judge_dropped_samples").tag("reason", "bad_timestamp")
        .description("samples not judged, by reason").register(registry);
  }

  PushResponse judge(byte[] request) throws TooManySamples, MalformedBatch {
    int n = count(request);
    if (n > Limits.MAX_BATCH_SAMPLES) {
      throw new TooManySamples("batch of " + n + " samples exceeds the limit of " + Limits.MAX_BATCH_SAMPLES);
    }
    received.increment(n);
    PerThread t = perThread.get();
    t.rejects = null;
    t.nowMillis = clock.millis();
    t.nowSeconds = t.nowMillis / 1000;
    try {
      return judge(t, request, n);
    } finally {
      evaluator.count(t.tally);
    }
  }

  private PushResponse judge(PerThread t, byte[] request, int n) throws MalformedBatch {
    int rejected = 0;
    int index = 0;
    int windowed = 0;
    int p = 0;
    int end = request.length;
    while (p < end) {
      if (request[p] != 10) {
        break; // another field (or a two-byte tag): protobuf's reader takes the rest
      }
      long len = 0;
      int q = p + 1;
      int shift = 0;
      while (q < end && shift < 35) {
        byte x = request[q++];
        len |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          shift = -1;
          break;
        }
        shift += 7;
      }
      if (shift != -1 || len > end - q) {
        break; // truncated: protobuf's reader names the problem
      }
      t.offsets[windowed] = q;
      t.lengths[windowed++] = (int) len;
      if (windowed == WINDOW) {
        rejected += judgeWindow(t, request, windowed, index);
        index += windowed;
        windowed = 0;
      }
      p = q + (int) len;
    }
    if (windowed > 0) {
      rejected += judgeWindow(t, request, windowed, index);
      index += windowed;
    }
    if (p < end) {
      rejected += rest(t, request, p, index);
    }
    PushResponse.Builder answer = t.rejects != null ? t.rejects : PushResponse.newBuilder();
    t.rejects = null;
    return answer.setAccepted(n - rejected).setRejected(rejected).build();
  }

  /**
   * Judges the window's {@code count} samples in order, starting at batch index {@code first}: first each is read
   * and proved valid as it is (no state touched), then the memory of the valid ones' series is prefetched for all at
   * once ({@link Evaluator#prefetch}), then each is judged; a sample not proved valid takes {@link #judgeOne}.
   *
   * @return how many were rejected
   */
  private int judgeWindow(PerThread t, byte[] buf, int count, int first) {
    SampleView[] views = t.views;
    boolean[] fast = t.fast;
    for (int i = 0; i < count; i++) {
      SampleView v = views[i];
      fast[i] = v.scan(buf, t.offsets[i], t.lengths[i]) && FastSampleCheck.accept(v, t.nowSeconds);
    }
    evaluator.prefetch(views, fast, count);
    int rejected = 0;
    for (int i = 0; i < count; i++) {
      if (fast[i]) {
        judge(views[i], t);
      } else if (!judgeOne(t, buf, t.offsets[i], t.lengths[i], first + i)) {
        rejected++;
      }
    }
    return rejected;
  }

  /** The batch from {@code from} on, read with protobuf's reader (other fields, unusual encodings). */
  private int rest(PerThread t, byte[] request, int from, int index) throws MalformedBatch {
    int rejected = 0;
    try {
      CodedInputStream in = CodedInputStream.newInstance(request, from, request.length - from);
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return rejected;
        }
        if (tag != 10) {
          in.skipField(tag);
          continue;
        }
        int len = in.readRawVarint32();
        int off = from + in.getTotalBytesRead();
        in.skipRawBytes(len);
        if (!judgeOne(t, request, off, len, index++)) {
          rejected++;
        }
      }
    } catch (IOException e) {
      throw new MalformedBatch("request is not a valid SampleBatch: " + e.getMessage());
    }
  }

  /** Samples in the batch (field 1 entries), without reading them. */
  private static int count(byte[] request) throws MalformedBatch {
    int n = 0;
    int p = 0;
    int end = request.length;
    while (p < end && request[p] == 10) {
      int len = 0;
      int q = p + 1;
      int shift = 0;
      boolean done = false;
      while (q < end && shift < 35) {
        byte x = request[q++];
        len |= (x & 0x7F) << shift;
        if (x >= 0) {
          done = true;
          break;
        }
        shift += 7;
      }
      if (!done || len < 0 || len > end - q) {
        break;
      }
      n++;
      p = q + len;
    }
    return p == end ? n : n + countCoded(request, p);
  }

  private static int countCoded(byte[] request, int from) throws MalformedBatch {
    CodedInputStream in = CodedInputStream.newInstance(request, from, request.length - from);
    int n = 0;
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return n;
        }
        if (tag == 10) {
          n++;
        }
        in.skipField(tag);
      }
    } catch (IOException e) {
      throw new MalformedBatch("request is not a valid SampleBatch: " + e.getMessage());
    }
  }

  /** @return false when the sample was rejected (told to {@code t}) */
  private boolean judgeOne(PerThread t, byte[] buf, int off, int len, int index) {
    SampleView v = t.view;
    if (!v.scan(buf, off, len)) {
      return judgeParsed(t, buf, off, len, index);
    }
    if (v.timestamp() <= 0) {
      return badTimestamp(t, index, v.timestamp());
    }
    if (FastSampleCheck.accept(v, t.nowSeconds)) {
      judge(v, t);
      return true;
    }
    WireSampleValidator.Accepted a = t.accepted; // the full rules: accepted after normalising, or refused
    if (!t.validator.normalise(buf, off, len, index, t, a)) {
      malformed.increment();
      return false;
    }
    if (!a.unchanged && !v.scan(a.bytes, a.offset, a.length)) {
      throw new IllegalStateException("the validator wrote an encoding the view does not read");
    }
    FastSampleCheck.hash(v);
    judge(v, t);
    return true;
  }

  /** The rare encodings: protobuf parses, the object rules validate, the view judges. */
  private boolean judgeParsed(PerThread t, byte[] buf, int off, int len, int index) {
    Sample raw;
    try {
      raw = Sample.parser().parseFrom(buf, off, len);
    } catch (InvalidProtocolBufferException e) {
      t.reject(index, String.valueOf(e.getMessage()).contains("UTF-8") ? RejectCode.BAD_CHARACTER
          : RejectCode.MISSING_FIELD, String.valueOf(e.getMessage()).contains("UTF-8")
          ? "endpoint, metric or tags is not valid UTF-8" : "sample is not a valid protobuf Sample: " + e.getMessage());
      malformed.increment();
      return false;
    }
    if (raw.getTimestamp() <= 0) {
      return badTimestamp(t, index, raw.getTimestamp());
    }
    Sample s = objects.normalise(raw, index, t);
    if (s == null) {
      malformed.increment();
      return false;
    }
    judge(t.view.wrap(s), t);
    return true;
  }

  private boolean badTimestamp(PerThread t, int index, long timestamp) {
    badTimestamp.increment();
    t.reject(index, RejectCode.BAD_TIMESTAMP, "timestamp " + timestamp + " is not a positive unix time");
    return false;
  }

  private void judge(SampleView v, PerThread t) {
    evaluator.judge(v, t.tally, t.nowMillis);
    if (expressions != null) {
      expressions.judge(v); // multi-metric expressions (io.peregrine.judge.expr) keep their own state
    }
  }
}
