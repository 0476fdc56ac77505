package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.store.Database;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * {@code GET /api/v1/export?template=NAME} (or {@code group=NAME}): one template or host group as YAML, in
 * {@code peregrine hbs export}'s format; {@code POST /api/v1/import?template=NAME} (or {@code group=NAME},
 * {@code dryRun=true}) with such a file as the body (YAML or JSON, at most 1 MiB): makes that template or group
 * equal to the file's ({@link ConfigPieces}) and answers the changes. The whole configuration is exported and
 * imported by the CLI only (an import of it deletes what the file lacks).
 */
final class ConfigPiecesApi extends Resource {
  static final Set<String> YAML_TYPES = Set.of("application/yaml", "application/x-yaml", "text/yaml",
      "text/x-yaml");
  private final ConfigPieces pieces;

  ConfigPiecesApi(Database db, Bodies bodies) {
    super(db, bodies);
    this.pieces = new ConfigPieces(db);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/export", ctx -> {
      Piece p = piece(ctx, Set.of("template", "group"));
      try {
        ctx.contentType("application/yaml; charset=utf-8").result(pieces.export(p.kind(), p.name()));
      } catch (NoSuchElementException e) {
        throw ApiException.notFound(e.getMessage());
      }
    });
    r.post("/api/v1/import", ctx -> {
      Piece p = piece(ctx, Set.of("template", "group", "dryRun"));
      String dry = ctx.queryParam("dryRun");
      if (dry != null && !dry.equals("true") && !dry.equals("false")) {
        throw ApiException.badField("dryRun", "must be true or false, got '" + dry + "'");
      }
      boolean dryRun = "true".equals(dry);
      String text = new String(Bodies.bytes(ctx), StandardCharsets.UTF_8);
      List<String> changes;
      try {
        changes = pieces.importPiece(text, p.kind(), p.name(), dryRun);
        ctx.attribute(Bodies.BODY, new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(text)); // for the audit log
      } catch (IllegalArgumentException e) {
        throw ApiException.badField("body", e.getMessage());
      }
      ctx.json(Map.of("changes", changes, "applied", !dryRun && !changes.isEmpty()));
    });
  }

  private record Piece(ConfigPieces.Kind kind, String name) {
  }

  /** Exactly one of {@code template} and {@code group}, a name of 1..255 characters. */
  private static Piece piece(Context ctx, Set<String> allowed) {
    for (String q : ctx.queryParamMap().keySet()) {
      if (!allowed.contains(q)) {
        throw ApiException.badField(q, "is not a query parameter here (it takes " + String.join(", ",
            allowed.stream().sorted().toList()) + ")");
      }
    }
    String template = Lists.textParam(ctx, "template", io.peregrine.common.model.Limits.MAX_NAME_LENGTH);
    String group = Lists.textParam(ctx, "group", io.peregrine.common.model.Limits.MAX_NAME_LENGTH);
    if ((template == null) == (group == null)) {
      throw ApiException.badField("template", "name exactly one template (template=NAME) or one group "
          + "(group=NAME)");
    }
    String name = template != null ? template : group;
    if (name.isBlank()) {
      throw ApiException.badField(template != null ? "template" : "group", "must not be empty");
    }
    return new Piece(template != null ? ConfigPieces.Kind.TEMPLATE : ConfigPieces.Kind.GROUP, name);
  }
}
