package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.Page;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query of a list route: its filters, {@code sort} (one field, {@code -} first for descending), {@code limit}
 * (1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) and {@code offset}. The answer stays a JSON array;
 * {@code X-Total-Count} says how many items the filters keep and {@code Link: <...>; rel="next"} points at the
 * next page while there is one. Sorting is offered only on indexed columns, so a page is an index range.
 */
final class Lists {
  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 10_000;
  static final Set<String> PAGING = Set.of("sort", "limit", "offset");

  private Lists() {}

  /**
   * @param sortable field name in the API -> indexed column
   * @param filters the query parameters this route takes besides paging; any other is refused
   */
  static Listing listing(Context ctx, Filter filter, Map<String, String> sortable, String defaultSort,
      String uniqueColumn, Set<String> filters) {
    Set<String> allowed = new HashSet<>(PAGING);
    allowed.addAll(filters);
    for (String name : ctx.queryParamMap().keySet()) {
      if (!allowed.contains(name)) {
        throw ApiException.badField(name, "is not a query parameter of this list (it takes "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
    String sort = ctx.queryParam("sort") == null ? defaultSort : ctx.queryParam("sort");
    boolean desc = sort.startsWith("-");
    String column = sortable.get(desc ? sort.substring(1) : sort);
    if (column == null) {
      throw ApiException.badField("sort", "must be one of " + String.join(", ", sortable.keySet().stream().sorted()
          .toList()) + " (with '-' first for descending), got '" + sort + "'");
    }
    String dir = desc ? " DESC" : "";
    String order = column.equals(uniqueColumn) ? column + dir : column + dir + ", " + uniqueColumn + dir;
    long limit = longParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long offset = longParam(ctx, "offset", 0, 0, Long.MAX_VALUE / 2);
    return new Listing(filter, order, (int) limit, offset);
  }

  /** Sets the paging headers and returns the page's items, the body of the answer. */
  static <T> List<T> answer(Context ctx, Listing l, Page<T> page) {
    ctx.header("X-Total-Count", Long.toString(page.total()));
    long next = l.offset() + page.items().size();
    if (!page.items().isEmpty() && next < page.total()) {
      StringBuilder q = new StringBuilder();
      ctx.queryParamMap().forEach((k, vs) -> {
        if (!k.equals("offset")) {
          vs.forEach(v -> q.append(k).append('=').append(java.net.URLEncoder.encode(v,
              java.nio.charset.StandardCharsets.UTF_8)).append('&'));
        }
      });
      ctx.header("Link", "<" + ctx.path() + "?" + q + "offset=" + next + ">; rel=\"next\"");
    }
    return page.items();
  }

  /** An optional whole-number query parameter within min..max. */
  static long longParam(Context ctx, String name, long fallback, long min, long max) {
    Long v = longParam(ctx, name);
    if (v == null) {
      return fallback;
    }
    if (v < min || v > max) {
      throw ApiException.badField(name, "must be within " + min + ".." + max + ", got " + v);
    }
    return v;
  }

  /** An optional whole-number query parameter, or null. */
  static Long longParam(Context ctx, String name) {
    String s = ctx.queryParam(name);
    if (s == null) {
      return null;
    }
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badField(name, "(query parameter) must be a whole number, got '" + s + "'");
    }
  }

  /** An optional text query parameter of at most {@code maxLength} characters, or null. */
  static String textParam(Context ctx, String name, int maxLength) {
    String s = ctx.queryParam(name);
    if (s != null && s.length() > maxLength) {
      throw ApiException.badField(name, "(query parameter) is longer than " + maxLength + " characters");
    }
    return s;
  }
}
