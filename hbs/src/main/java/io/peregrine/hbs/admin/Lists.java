package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query of a list route: its filters, {@code sort} (one field, {@code -} first for descending), {@code limit}
 * (1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) and either {@code offset} or {@code after} (a cursor
 * from the previous page's {@code Link}). The answer stays a JSON array; {@code X-Total-Count} says how many items
 * the filters keep and {@code Link: <...>; rel="next"} points at the next page while there is one: by cursor
 * (keyset: the page starts after the previous page's last sort value and id, an index range however deep) unless
 * the request paged by {@code offset} or sorts on a column that may be empty ({@code updateAt}), where it stays
 * by offset. Sorting is offered only on indexed columns.
 */
final class Lists {
  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 10_000;
  static final Set<String> PAGING = Set.of("sort", "limit", "offset", "after");
  /** A cursor is base64url of a small JSON array; anything longer is not one of ours. */
  static final int MAX_CURSOR_LENGTH = 1_400;
  /** Sort columns that may be NULL: databases order NULLs differently, so these page by offset only. */
  private static final Set<String> NULLABLE = Set.of("update_at");
  private static final ObjectMapper JSON = new ObjectMapper();

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
    String after = textParam(ctx, "after", MAX_CURSOR_LENGTH);
    boolean keyset = !NULLABLE.contains(column) && ctx.queryParam("offset") == null;
    if (after != null && ctx.queryParam("offset") != null) {
      throw ApiException.badField("after", "cannot be combined with offset (a page starts at one or the other)");
    }
    if (after != null && !keyset) {
      throw ApiException.badField("after", "a list sorted by '" + sort + "' pages by offset only (the column "
          + "may be empty)");
    }
    if (!keyset) {
      return new Listing(filter, order, (int) limit, offset);
    }
    String field = desc ? sort.substring(1) : sort;
    Filter rows = filter;
    if (after != null) {
      JsonNode[] cursor = cursor(after);
      rows = filter.after(column, uniqueColumn, desc, value(cursor[0]), cursor[1].asLong());
    }
    return new Listing(filter, order, (int) limit, 0, rows, field);
  }

  /** The two values of a cursor: the sort field's value and the id of the last row of the previous page. */
  private static JsonNode[] cursor(String after) {
    try {
      JsonNode a = JSON.readTree(Base64.getUrlDecoder().decode(after));
      if (a != null && a.isArray() && a.size() == 2 && a.get(1).isIntegralNumber()
          && (a.get(0).isTextual() || a.get(0).isNumber())) {
        return new JsonNode[] {a.get(0), a.get(1)};
      }
    } catch (IllegalArgumentException | java.io.IOException e) {
      // falls through to the error below
    }
    throw ApiException.badField("after", "is not a cursor from a Link header of this list");
  }

  private static Object value(JsonNode v) {
    return v.isTextual() ? v.asText() : v.isIntegralNumber() ? (Object) v.asLong() : (Object) v.asDouble();
  }

  /** Sets the paging headers and returns the page's items, the body of the answer. */
  static <T> List<T> answer(Context ctx, Listing l, Page<T> page) {
    ctx.header("X-Total-Count", Long.toString(page.total()));
    if (l.cursorField() != null) {
      return keysetAnswer(ctx, l, page.items());
    }
    long next = l.offset() + page.items().size();
    if (!page.items().isEmpty() && next < page.total()) {
      ctx.header("Link", "<" + ctx.path() + "?" + queryWithout(ctx, "offset") + "offset=" + next
          + ">; rel=\"next\"");
    }
    return page.items();
  }

  /** A keyset page read one row more than its limit: when that row came, there is a next page. */
  private static <T> List<T> keysetAnswer(Context ctx, Listing l, List<T> rows) {
    if (rows.size() <= l.limit()) {
      return rows;
    }
    List<T> items = rows.subList(0, l.limit());
    JsonNode last = JSON.valueToTree(items.get(items.size() - 1));
    JsonNode value = last.get(l.cursorField());
    JsonNode id = last.get("id");
    if (value == null || id == null) {
      throw new IllegalStateException("a list item has no '" + l.cursorField() + "' or 'id' to page after");
    }
    String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(
        JSON.createArrayNode().add(value).add(id).toString().getBytes(StandardCharsets.UTF_8));
    ctx.header("Link", "<" + ctx.path() + "?" + queryWithout(ctx, "after") + "after=" + cursor + ">; rel=\"next\"");
    return items;
  }

  private static String queryWithout(Context ctx, String skipped) {
    StringBuilder q = new StringBuilder();
    ctx.queryParamMap().forEach((k, vs) -> {
      if (!k.equals(skipped)) {
        vs.forEach(v -> q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
      }
    });
    return q.toString();
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
