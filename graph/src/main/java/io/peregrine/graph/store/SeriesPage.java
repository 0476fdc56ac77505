package io.peregrine.graph.store;

import java.util.List;

/** One answer of a series listing, sorted by series key; {@code truncated} when more series matched. */
public record SeriesPage(List<SeriesMeta> series, boolean truncated) {}
