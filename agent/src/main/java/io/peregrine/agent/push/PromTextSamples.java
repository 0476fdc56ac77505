package io.peregrine.agent.push;

import io.peregrine.common.model.RejectSink;
import io.peregrine.proto.v1.Sample;
import java.util.List;

/**
 * The push API's Prometheus text reader ({@link PromTextParser}) for other packages: the pod scraper parses what it
 * scrapes with the same rules as a pushed body.
 */
public final class PromTextSamples {
  private PromTextSamples() {}

  /** What one body held: its samples and how many sample lines it had (parsed or rejected). */
  public record Result(List<Sample> samples, int lines) {}

  /** Samples without a timestamp have 0 (meaning "now"); lines that are not samples go to {@code rejects}. */
  public static Result parse(String body, String endpoint, int step, RejectSink rejects) {
    PromTextParser.Parsed p = new PromTextParser(endpoint, step).parse(body, rejects);
    return new Result(p.samples(), p.total());
  }

  /**
   * The same for a body of the format its Content-Type names ({@code application/openmetrics-text}: OpenMetrics
   * 1.0's rules, else text 0.0.4's), as the push API chooses it.
   */
  public static Result parse(String body, String contentType, String endpoint, int step, RejectSink rejects) {
    PromTextParser.Parsed p = PromTextParser.forContentType(contentType, endpoint, step).parse(body, rejects);
    return new Result(p.samples(), p.total());
  }
}
