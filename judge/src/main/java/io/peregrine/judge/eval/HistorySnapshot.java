package io.peregrine.judge.eval;

import java.util.List;

/**
 * The kept points of one series as {@code /api/v1/history} shows them: raw values, newest first.
 *
 * @param series the series key {@code endpoint/metric/tags}
 * @param counterType the counter type of the newest sample
 * @param points raw points, newest first
 */
public record HistorySnapshot(String series, String counterType, List<Point> points) {
  public record Point(long timestamp, double value) {}
}
