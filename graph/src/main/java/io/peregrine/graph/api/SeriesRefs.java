package io.peregrine.graph.api;

import io.peregrine.common.model.Limits;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.model.Tags;

/** Turns a series named by a caller (endpoint, metric, tags in any order) into its series key, or says what is wrong. */
final class SeriesRefs {
  private SeriesRefs() {}

  /** A series as named by a caller, tags made canonical. */
  record Ref(String endpoint, String metric, String tags, String key) {}

  /**
   * @param prefix how the caller names the fields ("series." for gRPC, "" for HTTP parameters)
   * @throws IllegalArgumentException naming the field
   */
  static Ref of(String prefix, String endpoint, String metric, String tags) {
    if (endpoint.isEmpty()) {
      throw new IllegalArgumentException(prefix + "endpoint is required");
    }
    if (metric.isEmpty()) {
      throw new IllegalArgumentException(prefix + "metric is required");
    }
    if (endpoint.length() > Limits.MAX_NAME_LENGTH || metric.length() > Limits.MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(prefix + "endpoint and " + prefix + "metric must be at most "
          + Limits.MAX_NAME_LENGTH + " characters");
    }
    String canonical;
    try {
      canonical = Tags.canonical(tags);
    } catch (Tags.InvalidTagsException e) {
      throw new IllegalArgumentException(prefix + "tags: " + e.getMessage());
    }
    return new Ref(endpoint, metric, canonical, SeriesKey.of(endpoint, metric, canonical));
  }

  /**
   * The tags of a delete request made canonical: only with a metric (a counter is a metric with its tags).
   *
   * @throws IllegalArgumentException naming the field
   */
  static String deleteTags(String metric, String tags) {
    if (metric.isEmpty()) {
      throw new IllegalArgumentException("tags needs metric: a counter is a metric with its tags");
    }
    try {
      return Tags.canonical(tags);
    } catch (Tags.InvalidTagsException e) {
      throw new IllegalArgumentException("tags: " + e.getMessage());
    }
  }
}
