package io.peregrine.common.json;

import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.Sample;
import java.util.List;

/** A decoded batch: the valid samples, normalised, and a reason for every refused one. */
public record ParsedBatch(List<Sample> samples, List<Reject> rejects, int total) {}
