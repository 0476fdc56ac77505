package io.peregrine.hbs.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.javalin.http.Context;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.DashboardRepository;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.hibernate.validator.constraints.Range;

/**
 * {@code /api/v1/dashboards}: the console's saved sets of graphs. A graph names its series by two regular
 * expressions, as graph's {@code /api/v1/endpoints} and {@code /api/v1/counters} take them (matched anywhere in the
 * name): {@code endpoints} and {@code counters} ({@code metric/tags}); the console draws up to {@code maxSeries}
 * of the matches. Reading needs scope read, writing scope write (editor). Limits: name 1..255 characters and
 * unique, {@value #MAX_GRAPHS} graphs, patterns up to 1,024 characters and valid, {@code maxSeries} 1..
 * {@value #MAX_SERIES}.
 */
final class DashboardsApi extends Resource {
  static final int MAX_GRAPHS = 50;
  static final int MAX_SERIES = 50;
  static final int DEFAULT_SERIES = 10;
  private static final TypeReference<List<GraphSpec>> GRAPHS = new TypeReference<>() {};

  /** One graph: a title, the series' patterns, the consolidation and how many of the matches to draw. */
  record GraphSpec(@Size(max = 255) String title,
      @NotBlank(message = "is required") @Size(max = 1024) String endpoints,
      @NotBlank(message = "is required") @Size(max = 1024) String counters,
      @Pattern(regexp = "AVERAGE|MAX|MIN", message = "must be one of AVERAGE, MAX, MIN") String cf,
      @Range(min = 1, max = MAX_SERIES) Integer maxSeries) {
    GraphSpec normalized() {
      return new GraphSpec(title == null || title.isBlank() ? counters : title, endpoints, counters,
          cf == null ? "AVERAGE" : cf, maxSeries == null ? DEFAULT_SERIES : maxSeries);
    }
  }

  record DashboardBody(@NotBlank(message = "is required") @Size(max = 255) String name,
      @Size(max = 1024) String description,
      @NotNull(message = "is required") @Size(max = MAX_GRAPHS) List<@Valid @NotNull GraphSpec> graphs) {
  }

  record DashboardView(long id, String name, String description, List<GraphSpec> graphs, String updatedBy,
      long updatedAt) {
  }

  private final DashboardRepository dashboards = new DashboardRepository();
  private final Clock clock;

  DashboardsApi(Database db, Bodies bodies, Clock clock) {
    super(db, bodies);
    this.clock = clock;
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/dashboards", ctx -> {
      Filter f = new Filter().prefix("name", Lists.textParam(ctx, "namePrefix", 255));
      Listing l = Lists.listing(ctx, f, Map.of("name", "name", "id", "id"), "name", "id", Set.of("namePrefix"));
      var page = db.tx(h -> dashboards.page(h, l));
      ctx.json(Lists.answer(ctx, l, page).stream().map(this::view).toList());
    });
    r.post("/api/v1/dashboards", ctx -> {
      DashboardRepository.Row row = row(ctx, bodies.read(ctx, DashboardBody.class));
      long id = db.tx(h -> dashboards.create(h, row));
      created(ctx, find(id));
    });
    r.get("/api/v1/dashboards/{id}", ctx -> ctx.json(find(id(ctx, "id", "dashboard"))));
    r.put("/api/v1/dashboards/{id}", ctx -> {
      long id = id(ctx, "id", "dashboard");
      DashboardRepository.Row row = row(ctx, bodies.read(ctx, DashboardBody.class));
      require(db.tx(h -> dashboards.update(h, id, row)), "dashboard", id);
      ctx.json(find(id));
    });
    r.delete("/api/v1/dashboards/{id}", ctx -> {
      long id = id(ctx, "id", "dashboard");
      require(db.tx(h -> dashboards.delete(h, id)), "dashboard", id);
      ctx.json(deleted(id));
    });
  }

  private DashboardRepository.Row row(Context ctx, DashboardBody b) {
    List<GraphSpec> graphs = b.graphs().stream().map(GraphSpec::normalized).toList();
    for (int i = 0; i < graphs.size(); i++) {
      regex("graphs[" + i + "].endpoints", graphs.get(i).endpoints());
      regex("graphs[" + i + "].counters", graphs.get(i).counters());
    }
    try {
      return new DashboardRepository.Row(0, b.name().trim(), b.description() == null ? "" : b.description(),
          bodies.json().writeValueAsString(graphs), Access.principal(ctx).user(), clock.instant().getEpochSecond());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void regex(String field, String pattern) {
    try {
      java.util.regex.Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw ApiException.badField(field, "is not a regular expression: " + e.getDescription());
    }
  }

  private DashboardView find(long id) {
    return view(found(db.tx(h -> dashboards.find(h, id)), "dashboard", id));
  }

  private DashboardView view(DashboardRepository.Row r) {
    try {
      return new DashboardView(r.id(), r.name(), r.description(), bodies.json().readValue(r.graphs(), GRAPHS),
          r.updatedBy(), r.updatedAt());
    } catch (JsonProcessingException e) {
      throw new ApiException(500, "dashboard " + r.id() + " holds graphs that are not JSON: " + e.getMessage());
    }
  }
}
