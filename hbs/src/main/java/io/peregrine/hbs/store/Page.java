package io.peregrine.hbs.store;

import java.util.List;

/** A page of rows and how many rows the filter keeps in all. */
public record Page<T>(List<T> items, long total) {
}
