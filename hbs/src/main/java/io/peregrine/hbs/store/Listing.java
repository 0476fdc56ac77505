package io.peregrine.hbs.store;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * One page of a list: the filter, the order (columns chosen by the caller's code from indexed ones, always ending
 * with a unique column so pages do not overlap) and the window: an offset, or a keyset ({@code rowsFilter} adds
 * "after the last row of the previous page" to the filter, so a deep page is an index range, not a skip).
 *
 * @param rowsFilter the filter of the rows of this page: {@code filter} and, for a keyset page, the keyset clause
 *     (the total counts {@code filter} only)
 * @param cursorField the API field of the sort when the list pages by keyset (the next page starts after the last
 *     item's value of it and its id); null when it pages by offset. A keyset page reads one row more than
 *     {@code limit}, to tell whether there is a next page
 */
public record Listing(Filter filter, String orderBy, int limit, long offset, Filter rowsFilter, String cursorField) {

  public Listing(Filter filter, String orderBy, int limit, long offset) {
    this(filter, orderBy, limit, offset, filter, null);
  }

  /** The rows of {@code select} (a {@code SELECT ... FROM table} without WHERE) in this page. */
  public <T> List<T> rows(Handle h, String select, RowMapper<T> mapper) {
    long rows = cursorField == null ? limit : limit + 1L;
    return rowsFilter.bind(h.createQuery(select + rowsFilter.sql() + " ORDER BY " + orderBy + " LIMIT " + rows
        + " OFFSET " + offset)).map(mapper).list();
  }

  /** How many rows of {@code table} the filter keeps. */
  public static long count(Handle h, String table, Filter filter) {
    return filter.bind(h.createQuery("SELECT COUNT(*) FROM " + table + filter.sql())).mapTo(Long.class).one();
  }
}
