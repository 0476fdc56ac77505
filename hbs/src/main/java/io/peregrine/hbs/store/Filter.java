package io.peregrine.hbs.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The WHERE part of a list query. Column names come from the caller's code, never from a request; every value is a
 * bound parameter, so a filter value such as {@code x' OR '1'='1} is only ever compared, never run.
 */
public final class Filter {
  private final List<String> clauses = new ArrayList<>();
  private final Map<String, Object> binds = new LinkedHashMap<>();

  /** {@code column = value}; nothing when value is null. */
  public Filter eq(String column, Object value) {
    if (value != null) {
      clauses.add(column + " = :" + param(value));
    }
    return this;
  }

  /** {@code column IN (values...)}; nothing when null or empty. */
  public Filter in(String column, List<?> values) {
    if (values != null && !values.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (Object v : values) {
        names.add(":" + param(v));
      }
      clauses.add(column + " IN (" + String.join(", ", names) + ")");
    }
    return this;
  }

  /** {@code column} starts with {@code prefix} (LIKE's wildcards in it match themselves); nothing when empty. */
  public Filter prefix(String column, String prefix) {
    if (prefix != null && !prefix.isEmpty()) {
      String escaped = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_");
      clauses.add(column + " LIKE :" + param(escaped + "%") + " ESCAPE '!'");
    }
    return this;
  }

  /** A clause written by the caller with one parameter, named {@code :v} in {@code clause}. */
  public Filter clause(String clause, Object value) {
    if (value != null) {
      clauses.add(clause.replace(":v", ":" + param(value)));
    }
    return this;
  }

  /**
   * A copy with the keyset clause "after ({@code value}, {@code id})" in the order of ({@code column},
   * {@code idColumn}), descending when {@code desc}: the rows of the page after the one that ended there.
   */
  public Filter after(String column, String idColumn, boolean desc, Object value, long id) {
    Filter out = new Filter();
    out.clauses.addAll(clauses);
    out.binds.putAll(binds);
    String op = desc ? " < " : " > ";
    if (!column.equals(idColumn)) {
      out.binds.put("ka", value);
    }
    out.binds.put("kb", id);
    out.clauses.add(column.equals(idColumn) ? idColumn + op + ":kb"
        : "(" + column + op + ":ka OR (" + column + " = :ka AND " + idColumn + op + ":kb))");
    return out;
  }

  String sql() {
    return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
  }

  <T extends SqlStatement<T>> T bind(T statement) {
    binds.forEach(statement::bind);
    return statement;
  }

  private String param(Object value) {
    String name = "f" + binds.size();
    binds.put(name, value);
    return name;
  }
}
