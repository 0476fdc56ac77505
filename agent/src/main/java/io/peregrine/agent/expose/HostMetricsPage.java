package io.peregrine.agent.expose;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.model.PromNames;
import io.peregrine.common.model.Tags;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The host's metrics in Prometheus text (format 0.0.4, written by client_java's PrometheusTextFormatWriter), so a
 * Prometheus can scrape the agent as it would node_exporter. It shows the newest value of every series the built-in
 * collectors and the hbs checks produced; a series not seen for {@link #STALE_STEPS} of its steps (an interface that
 * vanished, a check hbs removed) is dropped. Plugin and pushed samples are not shown: they belong to their own
 * endpoints and travel through transfer.
 *
 * <p>Names follow transfer's remote write: every character outside {@code [a-zA-Z0-9_:]} becomes {@code _}
 * ({@code cpu.idle} -> {@code cpu_idle}), labels are {@code endpoint} plus one per tag (keys mapped the same way,
 * without {@code :}; a tag named {@code endpoint} becomes {@code tag_endpoint}). Two things the text format's
 * conventions, enforced by the writer, add: COUNTERs are typed {@code counter} and carry {@code _total}
 * ({@code net_if_in_bytes_total}), and a GAUGE whose name ends in a suffix reserved for counters and histograms
 * ({@code _total}, {@code _created}, {@code _bucket}, {@code _info}) loses it ({@code df.bytes.total} ->
 * {@code df_bytes}). No timestamps: Prometheus stamps the scrape, as it does for node_exporter.
 */
public final class HostMetricsPage implements HttpHandler {
  static final int STALE_STEPS = 3;

  /**
   * A series' newest value, updated in place each round: no object per sample is made or kept (keeping each round's
   * {@code Sample}s made ~5,000 objects a round with 100 containers live until the next round, so promoted).
   */
  private static final class Slot {
    final String endpoint;
    final String metric;
    final String tags;
    volatile double value;
    volatile CounterType type;
    volatile int step;
    volatile long storedNanos;

    Slot(String endpoint, String metric, String tags) {
      this.endpoint = endpoint;
      this.metric = metric;
      this.tags = tags;
    }
  }

  /**
   * Series by metric, then tag text. Collectors pass the same String instances round after round (names and tag
   * texts are made once), so each lookup hashes with the Strings' cached hashes and compares by identity first: no
   * key is built for each of the ~5,000 samples a round with 100 containers.
   */
  private final Map<String, Map<String, Slot>> latest = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);

  public HostMetricsPage() {
    this(System::nanoTime);
  }

  HostMetricsPage(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Keeps a collected sample's value as its series' newest. */
  public void record(Sample s) {
    record(s.getEndpoint(), s.getMetric(), s.getTags(), s.getValue(), s.getCounterType(), s.getStep());
  }

  /**
   * Keeps a collected sample's value, given as its fields, as its series' newest: once the series has its slot,
   * nothing is allocated.
   */
  public void record(String endpoint, String metric, String tags, double value, CounterType type, int step) {
    Map<String, Slot> byTags = latest.get(metric);
    if (byTags == null) {
      byTags = latest.computeIfAbsent(metric, m -> new ConcurrentHashMap<>());
    }
    Slot slot = byTags.get(tags);
    if (slot == null || !slot.endpoint.equals(endpoint)) {
      slot = new Slot(endpoint, metric, tags);
      byTags.put(tags, slot);
    }
    slot.value = value;
    slot.type = type;
    slot.step = step;
    slot.storedNanos = nanoTime.getAsLong();
  }

  /** Series currently shown. */
  public int series() {
    int n = 0;
    for (Map<String, Slot> byTags : latest.values()) {
      n += byTags.size();
    }
    return n;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!HttpExchanges.method(ex, "GET")) {
      return;
    }
    byte[] body = render();
    ex.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
    ex.sendResponseHeaders(200, body.length);
    try (var out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  public byte[] render() throws IOException {
    long now = nanoTime.getAsLong();
    Map<String, List<Slot>> families = new TreeMap<>();
    Map<String, CounterType> types = new TreeMap<>();
    for (Map<String, Slot> byTags : latest.values()) {
      byTags.values().removeIf(l -> now - l.storedNanos > STALE_STEPS * l.step * 1_000_000_000L);
      for (Slot s : byTags.values()) {
        boolean counter = s.type != CounterType.GAUGE;
        String family = PrometheusNaming.sanitizeMetricName(PromNames.metric(s.metric));
        // the same name as a gauge and as a counter cannot be one family: the counter keeps it
        CounterType seen = types.putIfAbsent(family, counter ? CounterType.COUNTER : CounterType.GAUGE);
        if (seen != null && (seen == CounterType.COUNTER) != counter) {
          continue;
        }
        families.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
      }
    }
    // a metric's map stays when its series went stale (names are a bounded set): removing it here could orphan a
    // slot a collector is putting into it at this moment
    List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
    families.forEach((family, slots) -> snapshots.add(types.get(family) == CounterType.COUNTER
        ? counter(family, slots) : gauge(family, slots)));
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    writer.write(out, new MetricSnapshots(snapshots));
    return out.toByteArray();
  }

  private static GaugeSnapshot gauge(String family, List<Slot> slots) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(family);
    for (Slot s : slots) {
      b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(s)).value(s.value).build());
    }
    return b.build();
  }

  private static CounterSnapshot counter(String family, List<Slot> slots) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(family);
    for (Slot s : slots) {
      double v = s.value;
      if (!(v >= 0)) {
        continue; // a counter below zero is not one: the writer refuses it, and it would fail the whole page
      }
      b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(s)).value(v).build());
    }
    return b.build();
  }

  private static Labels labels(Slot s) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("endpoint", s.endpoint);
    for (Map.Entry<String, String> t : Tags.toMap(s.tags).entrySet()) {
      String key = PrometheusNaming.sanitizeLabelName(PromNames.label(t.getKey()));
      if (key.equals("endpoint") || key.startsWith("__")) {
        key = "tag_" + key;
      }
      labels.putIfAbsent(key, t.getValue());
    }
    return Labels.of(new ArrayList<>(labels.keySet()), new ArrayList<>(labels.values()));
  }
}
