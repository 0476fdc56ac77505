package io.peregrine.judge.expr;

import java.util.Map;

/**
 * One input of a multi-metric expression: a metric of the endpoint, optionally narrowed by tags. It matches a
 * sample of that metric when every tag it names is on the sample with the same value (the sample may carry more),
 * as strategies match. {@code endpoint=host1} among the tags names the endpoint (unless the sample carries a tag of
 * that name), as Open-Falcon's expressions do.
 *
 * @param metric the metric name
 * @param tags sorted, validated by the common tag rules
 */
public record Reference(String metric, Map<String, String> tags) {
  public Reference {
    tags = Map.copyOf(tags);
  }

  /** @param sampleTags the sample's tags, parsed */
  boolean matches(String endpoint, Map<String, String> sampleTags) {
    for (Map.Entry<String, String> t : tags.entrySet()) {
      String have = sampleTags.get(t.getKey());
      if (have == null && "endpoint".equals(t.getKey())) {
        have = endpoint;
      }
      if (!t.getValue().equals(have)) {
        return false;
      }
    }
    return true;
  }
}
