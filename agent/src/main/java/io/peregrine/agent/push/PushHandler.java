package io.peregrine.agent.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.agent.ship.SampleQueue;
import io.peregrine.agent.ship.WireSamples;
import io.peregrine.common.http.HttpAnswer;
import io.peregrine.common.http.HttpCall;
import io.peregrine.common.http.HttpRoute;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.json.OpenFalconWireJson;
import io.peregrine.common.json.PushSummaryJson;
import io.peregrine.common.model.Limits;
import io.peregrine.common.model.RejectSink;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.net.InetAddress;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Open-Falcon's {@code POST /v1/push}: a JSON array of samples, from callers on loopback or in the trusted list (403
 * for others). Answers 200 with a JSON summary listing every refused item by index and reason when at least one was
 * accepted (or the array was empty); 400 when the body is blank, is not a JSON array, or every item was invalid; 413
 * over {@link Limits#MAX_MESSAGE_BYTES} or {@link Limits#MAX_BATCH_SAMPLES}; 503 when nothing was accepted because
 * the queue was full (with {@code Retry-After: 1}). Items the full queue refused are listed as OVERLOADED: the
 * caller may send exactly those again.
 *
 * <p>A body with {@code Content-Type: text/plain} (Prometheus text 0.0.4, {@code version=0.0.4} or none) is read by
 * {@link PromTextParser} instead, with the step from {@code ?step=} (default 60 s); the same limits and answers apply,
 * rejects naming the line number (from 1) as their index. {@code application/openmetrics-text} (OpenMetrics 1.0) is
 * read the same way, with OpenMetrics' rules (see {@link PromTextParser}).
 *
 * <p>Served by {@link io.peregrine.common.http.NettyHttpServer} (as transfer's {@code /api/push}): keep-alive,
 * gzip bodies (the limit applies after gunzip, 413 past it), 503 with {@code Retry-After} when the server already
 * holds its budget of request bodies. The route runs on the connection's I/O thread: nothing here waits.
 */
public final class PushHandler implements HttpRoute {
  /** Open-Falcon's default step, for Prometheus text pushes without {@code ?step=}. */
  static final int DEFAULT_PROM_STEP = 60;

  /** A push's samples are encoded here before the queue copies them in; larger buffers are not kept. */
  static final int SCRATCH_KEPT_BYTES = 4 << 20;

  /**
   * What a body held: the body index of each accepted sample (in the scratch buffer, in order), the refused items, and
   * the item count.
   */
  private record Read(int[] indexes, List<Reject> rejects, int total) {}

  /** One encoded batch per I/O thread, reused: a push's samples are never objects. */
  private final ThreadLocal<WireSamples> scratch = ThreadLocal.withInitial(WireSamples::new);
  /** One reader per I/O thread: it keeps scratch buffers. */
  private final ThreadLocal<OpenFalconWireJson> json;
  private final SampleValidator validator;
  private final String hostname;
  private final SampleQueue queue;
  private final TrustedCallers trusted;
  private final Counter accepted;
  private final MeterRegistry registry;

  /**
   * @param clock validates pushed JSON timestamps (0 = now, at most 10 minutes ahead), as {@code validator} does for
   *     Prometheus text
   */
  public PushHandler(Clock clock, SampleValidator validator, String hostname, SampleQueue queue,
      TrustedCallers trusted, MeterRegistry registry) {
    this.json = ThreadLocal.withInitial(() -> new OpenFalconWireJson(clock));
    this.validator = validator;
    this.hostname = hostname;
    this.queue = queue;
    this.trusted = trusted;
    this.registry = registry;
    this.accepted = Counter.builder("agent_push_accepted_samples")
        .description("samples accepted by POST /v1/push").register(registry);
  }

  @Override
  public HttpAnswer handle(HttpCall call) {
    InetAddress caller = call.remoteAddress();
    if (caller == null || !trusted.allows(caller)) {
      Counter.builder("agent_push_forbidden_requests").description("push requests from untrusted callers")
          .register(registry).increment();
      return HttpAnswer.json(403, PushSummaryJson.error("caller " + (caller == null ? "?" : caller.getHostAddress())
          + " is not trusted: only loopback, agent.trustedIps and the IPs hbs lists may push"));
    }
    if (!call.method().equals("POST")) {
      return HttpAnswer.json(405, "{\"error\":\"use POST\"}").withHeader("Allow", "POST");
    }
    byte[] body = call.body();
    int length = call.length();
    if (blank(body, length)) {
      return HttpAnswer.json(400, PushSummaryJson.error("body is blank"));
    }
    String type = call.header("Content-Type");
    WireSamples wire = scratch.get();
    wire.clear();
    try {
      return offer(call, type, body, length, wire);
    } finally {
      wire.clear();
      if (wire.capacityBytes() > SCRATCH_KEPT_BYTES) {
        scratch.remove(); // a push of unusually large samples: its buffer is not kept
      }
    }
  }

  private HttpAnswer offer(HttpCall call, String type, byte[] body, int length, WireSamples wire) {
    Read batch;
    if (PromTextParser.format(type) != null) {
      String step = call.query("step");
      Object parsed = promText(type, step == null ? String.valueOf(DEFAULT_PROM_STEP) : step,
          new String(body, 0, length, StandardCharsets.UTF_8), wire);
      if (parsed instanceof HttpAnswer refused) {
        return refused;
      }
      batch = (Read) parsed;
    } else {
      try {
        batch = openFalcon(body, length, wire);
      } catch (MalformedBatchException e) {
        return HttpAnswer.json(e.tooLarge() ? 413 : 400, PushSummaryJson.error(e.getMessage()));
      }
    }
    List<Reject> rejects = new ArrayList<>(batch.rejects());
    int taken = queue.offerAll(wire);
    int overloaded = wire.size() - taken;
    for (int i = taken; i < wire.size(); i++) {
      rejects.add(OpenFalconJson.reject(batch.indexes()[i], RejectCode.OVERLOADED,
          "the agent's queue is full (" + queue.capacity() + " samples): send this sample again later"));
    }
    accepted.increment(taken);
    Map<RejectCode, Integer> byCode = new EnumMap<>(RejectCode.class);
    rejects.forEach(r -> byCode.merge(r.getCode(), 1, Integer::sum));
    byCode.forEach((code, n) -> Counter.builder("agent_push_rejected_samples").tag("code", code.name())
        .description("samples refused by POST /v1/push, by reason").register(registry).increment(n));
    rejects.sort(Comparator.comparingInt(Reject::getIndex));
    int status = taken > 0 || batch.total() == 0 ? 200 : overloaded > 0 ? 503 : 400;
    HttpAnswer answer = HttpAnswer.json(status, PushSummaryJson.of(batch.total(), taken, rejects));
    return status == 503 ? answer.withHeader("Retry-After", "1") : answer;
  }

  /**
   * Open-Falcon JSON through common's byte-level reader (transfer's; it falls back to Jackson for what it does not
   * handle, with the same answers as {@link OpenFalconJson}): each accepted item arrives as normalised {@code Sample}
   * bytes, parsed once into the message the queue holds.
   */
  private Read openFalcon(byte[] body, int length, WireSamples wire) throws MalformedBatchException {
    OpenFalconWireJson.Result result = json.get().read(body, 0, length,
        (hash, bytes, offset, len) -> wire.append(bytes, offset, len));
    // accepted items came in body order: they are the indexes no reject names
    boolean[] refused = new boolean[result.total()];
    for (Reject r : result.rejects()) {
      refused[r.getIndex()] = true;
    }
    int[] indexes = new int[wire.size()];
    for (int i = 0, n = 0; i < refused.length && n < indexes.length; i++) {
      if (!refused[i]) {
        indexes[n++] = i;
      }
    }
    return new Read(indexes, result.rejects(), result.total());
  }

  /** True for an empty body or one of only whitespace (as {@link String#isBlank} sees ASCII whitespace). */
  private static boolean blank(byte[] body, int length) {
    for (int i = 0; i < length; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != 0x0B && b != '\f' && !(b >= 0x1C && b <= 0x1F)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A Prometheus text body ({@link PromTextParser}), validated like JSON items; reject indexes are line numbers.
   *
   * @return the batch, or the answer refusing the request (a bad {@code step}, too many sample lines)
   */
  private Object promText(String type, String stepText, String body, WireSamples wire) {
    int step;
    try {
      step = Integer.parseInt(stepText);
    } catch (NumberFormatException e) {
      step = -1;
    }
    if (step < Limits.MIN_STEP_SECONDS || step > Limits.MAX_STEP_SECONDS) {
      return HttpAnswer.json(400, PushSummaryJson.error("step must be whole seconds within "
          + Limits.MIN_STEP_SECONDS + ".." + Limits.MAX_STEP_SECONDS + ", got '" + stepText + "'"));
    }
    List<Reject> rejects = new ArrayList<>();
    RejectSink sink = (index, code, reason) -> rejects.add(OpenFalconJson.reject(index, code, reason));
    PromTextParser.Parsed parsed = PromTextParser.forContentType(type, hostname, step).parse(body, sink);
    if (parsed.total() > Limits.MAX_BATCH_SAMPLES) {
      return HttpAnswer.json(413, PushSummaryJson.error("more than " + Limits.MAX_BATCH_SAMPLES
          + " sample lines; send at most that many per request"));
    }
    int[] indexes = new int[parsed.samples().size()];
    for (int i = 0; i < parsed.samples().size(); i++) {
      int line = parsed.lines().get(i);
      Sample s = validator.normalise(parsed.samples().get(i), line,
          (index, code, reason) -> sink.reject(index, code, "line " + index + ": " + reason));
      if (s != null) {
        indexes[wire.size()] = line;
        wire.append(s);
      }
    }
    return new Read(java.util.Arrays.copyOf(indexes, wire.size()), rejects, parsed.total());
  }
}
