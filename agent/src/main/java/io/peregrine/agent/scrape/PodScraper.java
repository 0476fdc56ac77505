package io.peregrine.agent.scrape;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.agent.collect.Collector;
import io.peregrine.agent.collect.SampleEmitter;
import io.peregrine.agent.container.PodInfo;
import io.peregrine.agent.push.PromTextSamples;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.proto.v1.Sample;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Scrapes this node's pods annotated {@code prometheus.io/scrape: "true"} once per collection round, all targets at
 * once, each within {@code timeout} (connect, headers and body), so a hanging target delays the round by the timeout
 * at most and never stalls it. A target's samples go to the shipping queue with the pod (or the value of the
 * configured pod label) as endpoint and {@code namespace} and {@code pod} tags added. OpenMetrics is asked for first;
 * a body is parsed by the rules of the format its Content-Type names (the push API's reader: OpenMetrics 1.0 for
 * {@code application/openmetrics-text}, else text 0.0.4). Every sample passes the same
 * validation as a pushed one. Each target reports {@code scrape.up} (1 or 0), {@code scrape.duration.ms} and
 * {@code scrape.samples} on the node's endpoint; a failure is also counted by reason in
 * {@code agent_scrape_failures}: timeout, too_large, sample_limit, http_status, parse, error.
 */
public final class PodScraper implements Collector {
  /** OpenMetrics first, then text 0.0.4, as Prometheus asks; what comes back is parsed by its Content-Type. */
  static final String ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.75,"
      + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  /** Where the pods come from (the kubelet's cached /pods). */
  @FunctionalInterface
  public interface PodSource {
    List<PodInfo> pods() throws Exception;
  }

  private final PodSource source;
  private final HttpClient client;
  private final String node;
  private final Duration timeout;
  private final int sampleLimit;
  private final int maxBytes;
  private final int maxTargets;
  private final String endpointLabel;
  private final int step;
  private final SampleValidator validator;
  private final Predicate<Sample> sink;
  private final MeterRegistry registry;
  private final Counter accepted;
  private final Counter rejected;
  private final Counter refused;
  private final Counter targetsDropped;

  public PodScraper(PodSource source, HttpClient client, String node, Duration timeout, int sampleLimit, int maxBytes,
      int maxTargets, String endpointLabel, int step, SampleValidator validator, Predicate<Sample> sink,
      MeterRegistry registry) {
    this.source = source;
    this.client = client;
    this.node = node;
    this.timeout = timeout;
    this.sampleLimit = sampleLimit;
    this.maxBytes = maxBytes;
    this.maxTargets = maxTargets;
    this.endpointLabel = endpointLabel;
    this.step = step;
    this.validator = validator;
    this.sink = sink;
    this.registry = registry;
    this.accepted = samples("accepted");
    this.rejected = samples("rejected");
    this.refused = samples("queue_full");
    this.targetsDropped = Counter.builder("agent_scrape_targets_dropped")
        .description("annotated pods not scraped because the node has more than agent.containers.scrapeMaxTargets")
        .register(registry);
  }

  private Counter samples(String result) {
    return Counter.builder("agent_scrape_samples").tag("result", result)
        .description("samples scraped from pods, by what became of them").register(registry);
  }

  @Override
  public String name() {
    return "scrape";
  }

  @Override
  public void collect(SampleEmitter out) throws Exception {
    List<ScrapeTarget> targets = new ArrayList<>();
    for (PodInfo p : source.pods()) {
      ScrapeTarget t = ScrapeTarget.of(p);
      if (t != null) {
        targets.add(t);
      }
    }
    targets.sort(Comparator.comparing((ScrapeTarget t) -> t.pod().namespace()).thenComparing(t -> t.pod().name()));
    if (targets.size() > maxTargets) {
      targetsDropped.increment(targets.size() - maxTargets);
      targets = targets.subList(0, maxTargets);
    }
    long start = System.nanoTime();
    List<CompletableFuture<java.net.http.HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (ScrapeTarget t : targets) {
      HttpRequest request = HttpRequest.newBuilder(t.uri()).timeout(timeout)
          .header("Accept", ACCEPT).GET().build();
      calls.add(client.sendAsync(request, info -> new LimitedBody(maxBytes))
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
    for (int i = 0; i < targets.size(); i++) {
      ScrapeTarget t = targets.get(i);
      String tags = "namespace=" + t.pod().namespace() + ",node=" + node + ",pod=" + t.pod().name();
      String failure;
      int kept = 0;
      try {
        var response = calls.get(i).get();
        failure = response.statusCode() == 200 ? null : "http_status";
        if (failure == null) {
          int[] kept1 = {0};
          failure = ingest(t, new String(response.body(), StandardCharsets.UTF_8),
              response.headers().firstValue("Content-Type").orElse(""), out.timestamp(), kept1);
          kept = kept1[0];
        }
      } catch (ExecutionException e) {
        failure = reason(e.getCause());
        calls.get(i).cancel(true);
      }
      double ms = (System.nanoTime() - start) / 1e6;
      out.gauge("scrape.up", tags, failure == null ? 1 : 0);
      out.gauge("scrape.duration.ms", tags, ms);
      out.gauge("scrape.samples", tags, kept);
      if (failure != null) {
        Counter.builder("agent_scrape_failures").tag("reason", failure)
            .description("pod scrapes that failed, by reason").register(registry).increment();
      }
    }
  }

  private static String reason(Throwable cause) {
    if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
      return "timeout";
    }
    if (cause instanceof LimitedBody.TooLarge) {
      return "too_large";
    }
    return "error";
  }

  /** Parses and queues one body; returns the failure reason, or null. */
  private String ingest(ScrapeTarget t, String body, String contentType, long now, int[] kept) {
    int[] bad = {0};
    PromTextSamples.Result parsed = PromTextSamples.parse(body, contentType, endpoint(t.pod()), step,
        (i, c, r) -> bad[0]++);
    if (parsed.lines() > sampleLimit) {
      return "sample_limit";
    }
    if (parsed.samples().isEmpty() && bad[0] > 0) {
      rejected.increment(bad[0]);
      return "parse";
    }
    rejected.increment(bad[0]);
    int index = 0;
    for (Sample s : parsed.samples()) {
      Map<String, String> extra = Map.of("namespace", t.pod().namespace(), "pod", t.pod().name());
      StringBuilder tags = new StringBuilder(s.getTags());
      for (Map.Entry<String, String> e : extra.entrySet()) {
        if (!(("," + s.getTags()).contains("," + e.getKey() + "="))) {
          tags.append(tags.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
      }
      Sample withTags = s.toBuilder().setTags(tags.toString()).setTimestamp(s.getTimestamp() == 0 ? now
          : s.getTimestamp()).build();
      Sample valid = validator.normalise(withTags, index++, (i, c, r) -> rejected.increment());
      if (valid == null) {
        continue;
      }
      if (sink.test(valid)) {
        accepted.increment();
        kept[0]++;
      } else {
        refused.increment();
      }
    }
    return null;
  }

  private String endpoint(PodInfo pod) {
    if (!endpointLabel.isEmpty()) {
      String v = pod.labels().get(endpointLabel);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return pod.name();
  }
}
