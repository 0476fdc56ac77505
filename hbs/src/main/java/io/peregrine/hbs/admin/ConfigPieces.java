package io.peregrine.hbs.admin;

import io.peregrine.hbs.store.ConfigVersion;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.TemplateRepository;
import io.peregrine.hbs.store.TemplateRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jdbi.v3.core.Handle;

/**
 * Export and import of one template (its parent by name, its action inline, its strategies) or one host group (its
 * hosts, templates by name and plugin directories), in {@link ConfigYaml}'s format. Importing a piece touches that
 * template or group only: nothing else is created or deleted, except hosts a group names that hbs does not know
 * yet. The file may hold more (a whole export): only the named piece is read from it. What the piece names must
 * exist: a template's parent, a group's templates. Strategies keep their ids where metric and tags stay, as in a
 * whole import; a dry run prints the changes and writes nothing.
 */
public final class ConfigPieces {
  /** What a piece is. */
  public enum Kind {
    TEMPLATE, GROUP;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Database db;
  private final ConfigYaml whole;
  private final TemplateRepository templates = new TemplateRepository();
  private final GroupRepository groups = new GroupRepository();

  public ConfigPieces(Database db) {
    this.db = db;
    this.whole = new ConfigYaml(db);
  }

  /**
   * The piece as YAML: a document holding only that template or group.
   *
   * @throws NoSuchElementException when hbs has no such template or group
   */
  public String export(Kind kind, String name) throws IOException {
    ConfigDocument all = db.tx(whole::read);
    ConfigDocument piece = kind == Kind.TEMPLATE
        ? new ConfigDocument(null, null, List.of(pick(all.templates(), ConfigDocument.Template::name, kind, name,
            "hbs has")), null, null, null)
        : new ConfigDocument(null, null, null, List.of(pick(all.groups(), ConfigDocument.Group::name, kind, name,
            "hbs has")), null, null);
    return whole.yaml().writeValueAsString(piece);
  }

  /**
   * Makes the named template or group equal to the file's (unless {@code dryRun}); returns the changes, one a line.
   *
   * @throws IllegalArgumentException for a file that cannot be read, lacks the piece or names what hbs lacks
   */
  public List<String> importPiece(String text, Kind kind, String name, boolean dryRun) {
    ConfigDocument want = parse(text);
    return db.tx(h -> {
      ConfigDocument stored = whole.read(h);
      Map<String, Long> tplIds = new HashMap<>();
      templates.list(h).forEach(t -> tplIds.put(t.name(), t.id()));
      List<String> changes = new ArrayList<>();
      if (kind == Kind.TEMPLATE) {
        ConfigDocument.Template t = pickFromFile(want.templates(), ConfigDocument.Template::name, kind, name);
        checkParent(h, t);
        whole.section(changes, "template", stored.templates().stream().filter(s -> s.name().equals(name)).toList(),
            List.of(t), ConfigDocument.Template::name);
        if (!dryRun && !changes.isEmpty()) {
          tplIds.computeIfAbsent(name, n -> templates.create(h, n, 0, 0, t.createUser()));
          whole.applyTemplate(h, t, tplIds);
        }
      } else {
        ConfigDocument.Group g = pickFromFile(want.groups(), ConfigDocument.Group::name, kind, name);
        g.templates().stream().filter(t -> !tplIds.containsKey(t)).findFirst().ifPresent(t -> {
          throw new IllegalArgumentException("group '" + name + "' binds template '" + t + "', which hbs does not "
              + "have (import the template first)");
        });
        whole.section(changes, "group", stored.groups().stream().filter(s -> s.name().equals(name)).toList(),
            List.of(g), ConfigDocument.Group::name);
        if (!dryRun && !changes.isEmpty()) {
          whole.applyGroup(h, g, groups.idOf(h, name).flatMap(id -> groups.find(h, id)).orElse(null), tplIds);
        }
      }
      if (!dryRun && !changes.isEmpty()) {
        ConfigVersion.bump(h); // a running hbs (or another one) rebuilds at its next check
      }
      return changes;
    });
  }

  private ConfigDocument parse(String text) {
    try {
      ConfigDocument read = whole.yaml().readValue(text, ConfigDocument.class);
      if (read == null) {
        throw new IllegalArgumentException("the file is empty");
      }
      return read.normal();
    } catch (IOException e) {
      throw new IllegalArgumentException("not a configuration file: " + e.getMessage(), e);
    } catch (ApiException | NullPointerException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The template's parent exists in hbs and its chain does not come back to the template. */
  private void checkParent(Handle h, ConfigDocument.Template t) {
    Map<String, String> parentOf = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    List<TemplateRow> rows = templates.list(h);
    rows.forEach(r -> names.put(r.id(), r.name()));
    rows.forEach(r -> parentOf.put(r.name(), names.get(r.parentId())));
    if (t.parent() == null) {
      return;
    }
    if (!parentOf.containsKey(t.parent())) {
      throw new IllegalArgumentException("template '" + t.name() + "' has parent '" + t.parent() + "', which hbs "
          + "does not have (import the parent first)");
    }
    parentOf.put(t.name(), t.parent());
    String p = t.parent();
    for (int depth = 0; p != null && depth <= parentOf.size(); depth++) {
      if (p.equals(t.name())) {
        throw new IllegalArgumentException("template '" + t.name() + "' would inherit from itself through '"
            + t.parent() + "'");
      }
      p = parentOf.get(p);
    }
  }

  private static <T> T pickFromFile(List<T> list, java.util.function.Function<T, String> key, Kind kind,
      String name) {
    try {
      return pick(list, key, kind, name, "the file has");
    } catch (NoSuchElementException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static <T> T pick(List<T> list, java.util.function.Function<T, String> key, Kind kind, String name,
      String where) {
    return list.stream().filter(x -> key.apply(x).equals(name)).findFirst()
        .orElseThrow(() -> new NoSuchElementException(where + " no " + kind.word() + " named '" + name + "'"));
  }
}
