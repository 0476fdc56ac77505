package io.peregrine.common.json;

import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.Sample;
import java.util.List;

/**
 * A decoded batch: the valid samples, normalised, their positions in the request ({@code indexes[i]} is where
 * {@code samples.get(i)} stood, so later refusals can name it), and a reason for every refused one.
 */
public record ParsedBatch(List<Sample> samples, int[] indexes, List<Reject> rejects, int total) {
  public ParsedBatch(List<Sample> samples, List<Reject> rejects, int total) {
    this(samples, positions(samples.size()), rejects, total);
  }

  private static int[] positions(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
