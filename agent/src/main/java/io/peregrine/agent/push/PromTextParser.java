package io.peregrine.agent.push;

import io.peregrine.common.model.Limits;
import io.peregrine.common.model.RejectSink;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Prometheus text exposition format 0.0.4 into Open-Falcon samples, one sample per sample line, a reject per line
 * that cannot be one (named by its line number, counted from 1). No Java library on Maven Central parses this format
 * (client_java's {@code prometheus-metrics-exposition-textformats} only writes it), so this follows the format's
 * documented grammar: {@code # HELP} and {@code # TYPE} lines, other {@code #} lines as comments, sample lines
 * {@code name[{label="value",...}] value [timestamp_ms]} with {@code \\}, {@code \"} and {@code \n} escapes in label
 * values and Go's float spellings ({@code NaN}, {@code +Inf}, {@code -Inf}).
 *
 * <p>Mapping: the metric name is the Open-Falcon metric; labels become tags, except a label {@code endpoint}, which
 * names the sample's endpoint (default: the agent's hostname); labels with empty values are left out, as Prometheus
 * does. {@code # TYPE x counter} makes x a COUNTER; histogram and summary {@code _bucket}, {@code _sum} and
 * {@code _count} lines are COUNTERs too (they only grow); everything else (gauge, untyped, summary quantiles) is a
 * GAUGE. The timestamp in milliseconds becomes seconds; none means now. The pipeline's validator then applies the same
 * rules as to JSON (finite value, lengths, at most 32 tags).
 *
 * <p>OpenMetrics text 1.0 ({@code application/openmetrics-text}) is read by the same grammar with its differences:
 * {@code # TYPE x counter} names the family, whose samples are {@code x_total} (COUNTER); {@code _created} lines
 * (a series' start time, not a value) are skipped and not counted; {@code # UNIT} lines are comments; an exemplar
 * ({@code  # {labels} value [ts]} after the value) is ignored; timestamps are seconds, possibly fractional (floored);
 * {@code # EOF} ends the body, and a line after it is refused (a body without {@code # EOF} is taken whole).
 * {@code gaugehistogram} {@code _bucket}/{@code _gcount}/{@code _gsum}, {@code stateset} and {@code info} samples
 * are GAUGEs.
 */
final class PromTextParser {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** The samples of a body with the line number each came from. */
  record Parsed(List<Sample> samples, List<Integer> lines, int total) {}

  /** The two text formats this reads. */
  enum Format {
    /** Prometheus text 0.0.4: {@code text/plain}. */
    PROMETHEUS_0_0_4,
    /** OpenMetrics text 1.0: {@code application/openmetrics-text}. */
    OPENMETRICS_1_0
  }

  private final String defaultEndpoint;
  private final int step;
  private final Format format;

  PromTextParser(String defaultEndpoint, int step) {
    this(defaultEndpoint, step, Format.PROMETHEUS_0_0_4);
  }

  PromTextParser(String defaultEndpoint, int step, Format format) {
    this.defaultEndpoint = defaultEndpoint;
    this.step = step;
    this.format = format;
  }

  /** The text format a Content-Type names, or null when it names neither (JSON is read then). */
  static Format format(String contentType) {
    if (contentType == null) {
      return null;
    }
    String t = contentType.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.startsWith("text/plain")) {
      return Format.PROMETHEUS_0_0_4;
    }
    if (t.startsWith("application/openmetrics-text")) {
      return Format.OPENMETRICS_1_0;
    }
    return null;
  }

  /** A parser for the format of {@code contentType} ({@link #format}; 0.0.4 when it names none). */
  static PromTextParser forContentType(String contentType, String defaultEndpoint, int step) {
    Format f = format(contentType);
    return new PromTextParser(defaultEndpoint, step, f == null ? Format.PROMETHEUS_0_0_4 : f);
  }

  private boolean openMetrics() {
    return format == Format.OPENMETRICS_1_0;
  }

  /** Parses every line; bad ones go to {@code rejects}. More than 10,000 sample lines is one error for the caller. */
  Parsed parse(String body, RejectSink rejects) {
    Map<String, CounterType> types = new HashMap<>();
    List<Sample> samples = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    int total = 0;
    boolean eof = false;
    String[] all = body.split("\n", -1);
    for (int i = 0; i < all.length; i++) {
      String line = strip(all[i]);
      if (line.isEmpty()) {
        continue;
      }
      if (eof) {
        total++;
        rejects.reject(i + 1, RejectCode.BAD_VALUE, "line " + (i + 1) + ": after '# EOF', which ends an "
            + "OpenMetrics body");
        continue;
      }
      if (line.charAt(0) == '#') {
        eof = openMetrics() && line.equals("# EOF");
        typeLine(line, types);
        continue;
      }
      if (openMetrics() && isCreatedLine(line, types)) {
        continue;
      }
      total++;
      if (total > Limits.MAX_BATCH_SAMPLES) {
        return new Parsed(samples, lines, total);
      }
      try {
        samples.add(sampleLine(line, types));
        lines.add(i + 1);
      } catch (Bad e) {
        rejects.reject(i + 1, e.code, "line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new Parsed(samples, lines, total);
  }

  private static String strip(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
      end--;
    }
    int start = 0;
    while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
      start++;
    }
    return line.substring(start, end);
  }

  /** An OpenMetrics {@code x_created} sample of a counter, histogram or summary family x: a start time, no value. */
  private static boolean isCreatedLine(String line, Map<String, CounterType> types) {
    int end = 0;
    while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ' && line.charAt(end) != '\t') {
      end++;
    }
    String name = line.substring(0, end);
    return name.endsWith("_created") && types.containsKey(CREATED_MARK + name);
  }

  /** Key prefix in the type map naming the {@code _created} series of OpenMetrics families (never a metric name). */
  private static final String CREATED_MARK = "#created:";

  /** {@code # TYPE name type}: which counter type the name's samples get. */
  private void typeLine(String line, Map<String, CounterType> types) {
    String[] t = line.substring(1).trim().split("[ \t]+");
    if (t.length < 3 || !t[0].equals("TYPE")) {
      return; // HELP or a comment
    }
    String name = t[1];
    if (openMetrics() && (t[2].equals("counter") || t[2].equals("histogram") || t[2].equals("summary"))) {
      types.put(CREATED_MARK + name + "_created", CounterType.GAUGE);
    }
    switch (t[2]) {
      case "counter" -> types.put(openMetrics() ? name + "_total" : name, CounterType.COUNTER);
      case "histogram" -> {
        types.put(name + "_bucket", CounterType.COUNTER);
        types.put(name + "_sum", CounterType.COUNTER);
        types.put(name + "_count", CounterType.COUNTER);
      }
      case "summary" -> {
        types.put(name + "_sum", CounterType.COUNTER);
        types.put(name + "_count", CounterType.COUNTER);
      }
      default -> types.remove(name); // gauge, untyped: GAUGE
    }
  }

  private Sample sampleLine(String line, Map<String, CounterType> types) throws Bad {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    String name = line.substring(0, i);
    if (!NAME.matcher(name).matches()) {
      throw new Bad(RejectCode.BAD_CHARACTER, "metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    String after = line.substring(i);
    if (openMetrics()) {
      int exemplar = after.indexOf('#'); // ' # {trace_id="..."} 1.0 [ts]': not part of the sample
      if (exemplar >= 0) {
        after = after.substring(0, exemplar);
      }
    }
    String[] rest = after.trim().split("[ \t]+");
    if (rest.length == 0 || rest[0].isEmpty()) {
      throw new Bad(RejectCode.MISSING_FIELD, "no value after " + name);
    }
    if (rest.length > 2) {
      throw new Bad(RejectCode.BAD_VALUE, "expected a value and at most a timestamp, got '" + line.substring(i).trim()
          + "'");
    }
    double value = value(rest[0]);
    long timestamp = 0;
    if (rest.length == 2 && openMetrics()) {
      timestamp = secondsTimestamp(rest[1]);
    } else if (rest.length == 2) {
      try {
        timestamp = Math.floorDiv(Long.parseLong(rest[1]), 1000);
      } catch (NumberFormatException e) {
        throw new Bad(RejectCode.BAD_TIMESTAMP, "timestamp '" + rest[1] + "' is not whole milliseconds");
      }
      if (timestamp <= 0) {
        throw new Bad(RejectCode.BAD_TIMESTAMP, "timestamp " + rest[1] + " ms is not after 1970");
      }
    }
    String endpoint = labels.remove("endpoint");
    StringBuilder tags = new StringBuilder();
    for (Map.Entry<String, String> l : labels.entrySet()) {
      tags.append(tags.length() == 0 ? "" : ",").append(l.getKey()).append('=').append(l.getValue());
    }
    return Sample.newBuilder().setEndpoint(endpoint == null ? defaultEndpoint : endpoint).setMetric(name)
        .setTags(tags.toString()).setValue(value).setTimestamp(timestamp).setStep(step)
        .setCounterType(types.getOrDefault(name, CounterType.GAUGE)).build();
  }

  /** Reads {@code name="value",...}} from {@code i} (after the brace); returns the index after the closing brace. */
  private static int labels(String line, int i, Map<String, String> out) throws Bad {
    while (true) {
      i = skipBlanks(line, i);
      if (i >= line.length()) {
        throw new Bad(RejectCode.BAD_TAGS, "labels are not closed with '}'");
      }
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int start = i;
      while (i < line.length() && line.charAt(i) != '=' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        i++;
      }
      String label = line.substring(start, i);
      if (!LABEL.matcher(label).matches()) {
        throw new Bad(RejectCode.BAD_TAGS, "label name '" + label + "' is not [a-zA-Z_][a-zA-Z0-9_]*");
      }
      i = skipBlanks(line, i);
      if (i >= line.length() || line.charAt(i) != '=' || (i = skipBlanks(line, i + 1)) >= line.length()
          || line.charAt(i) != '"') {
        throw new Bad(RejectCode.BAD_TAGS, "label " + label + " needs =\"value\"");
      }
      StringBuilder value = new StringBuilder();
      i++;
      while (true) {
        if (i >= line.length()) {
          throw new Bad(RejectCode.BAD_TAGS, "the value of label " + label + " is not closed with '\"'");
        }
        char c = line.charAt(i++);
        if (c == '"') {
          break;
        }
        if (c == '\\' && i < line.length()) {
          char e = line.charAt(i++);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      String v = value.toString();
      if (v.indexOf(',') >= 0 || v.indexOf('=') >= 0) {
        throw new Bad(RejectCode.BAD_CHARACTER, "label " + label + " value '" + v + "' holds ',' or '=', which "
            + "Open-Falcon tags cannot");
      }
      if (out.containsKey(label)) {
        throw new Bad(RejectCode.BAD_TAGS, "label " + label + " appears twice");
      }
      if (!v.isEmpty()) {
        out.put(label, v);
      }
      i = skipBlanks(line, i);
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static int skipBlanks(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** An OpenMetrics timestamp: seconds since the epoch, possibly with a fraction (floored to whole seconds). */
  private static long secondsTimestamp(String text) throws Bad {
    double seconds;
    try {
      seconds = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new Bad(RejectCode.BAD_TIMESTAMP, "timestamp '" + text + "' is not a number of seconds");
    }
    if (!(seconds >= 1) || seconds > Long.MAX_VALUE) {
      throw new Bad(RejectCode.BAD_TIMESTAMP, "timestamp " + text + " s is not after 1970");
    }
    return (long) Math.floor(seconds);
  }

  private static double value(String text) throws Bad {
    switch (text) {
      case "NaN" -> {
        return Double.NaN;
      }
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new Bad(RejectCode.BAD_VALUE, "value '" + text + "' is not a number");
        }
      }
    }
  }

  /** One line that cannot be a sample. */
  private static final class Bad extends Exception {
    final RejectCode code;

    Bad(RejectCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
