package io.peregrine.transfer.route;

import io.peregrine.common.model.SeriesKey;
import io.peregrine.proto.v1.Sample;
import java.util.List;

/**
 * Places each sample on its graph node and its judge node (the same series always on the same nodes). A sample
 * counts as accepted only when every cluster took it; if one refused (queue full), the caller answers OVERLOADED
 * and the client retries: a duplicate in the cluster that did take it is then dropped there as out of order,
 * which is harmless, while a missing sample would not be.
 */
public final class Router {
  private final List<Cluster> clusters;

  public Router(List<Cluster> clusters) {
    this.clusters = List.copyOf(clusters);
  }

  /** @return true when every cluster queued the sample */
  public boolean route(Sample sample) {
    long hash = SeriesKey.hash(sample);
    boolean all = true;
    for (int i = 0, n = clusters.size(); i < n; i++) {
      all &= clusters.get(i).senderFor(hash).offer(sample);
    }
    return all;
  }
}
