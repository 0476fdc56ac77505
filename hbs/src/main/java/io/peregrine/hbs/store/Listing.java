package io.peregrine.hbs.store;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * One page of a list: the filter, the order (columns chosen by the caller's code from indexed ones, always ending
 * with a unique column so pages do not overlap) and the offset window.
 */
public record Listing(Filter filter, String orderBy, int limit, long offset) {

  /** The rows of {@code select} (a {@code SELECT ... FROM table} without WHERE) in this page. */
  public <T> List<T> rows(Handle h, String select, RowMapper<T> mapper) {
    return filter.bind(h.createQuery(select + filter.sql() + " ORDER BY " + orderBy + " LIMIT " + limit
        + " OFFSET " + offset)).map(mapper).list();
  }

  /** How many rows of {@code table} the filter keeps. */
  public static long count(Handle h, String table, Filter filter) {
    return filter.bind(h.createQuery("SELECT COUNT(*) FROM " + table + filter.sql())).mapTo(Long.class).one();
  }
}
