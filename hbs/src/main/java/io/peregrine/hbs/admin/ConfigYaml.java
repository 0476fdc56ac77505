package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import io.peregrine.hbs.store.ConfigVersion;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.ExpressionRepository;
import io.peregrine.hbs.store.ExpressionRow;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.GroupRow;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.MockcfgRepository;
import io.peregrine.hbs.store.MockcfgRow;
import io.peregrine.hbs.store.StrategyRepository;
import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TeamRepository;
import io.peregrine.hbs.store.TemplateRepository;
import io.peregrine.hbs.store.TemplateRow;
import io.peregrine.hbs.store.UserRepository;
import io.peregrine.hbs.store.UserRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * {@code peregrine hbs export} and {@code import}: the configuration as YAML ({@link ConfigDocument}). Import makes
 * the store equal to the file in one transaction: what the file lacks is deleted (templates with their strategies,
 * groups with their bindings, teams, users, expressions, nodata, schedules with their overrides; hosts, users who
 * sign in and unused actions stay). A second import of the same file changes nothing; a dry run writes nothing.
 */
public final class ConfigYaml {
  private static final Listing ALL = new Listing(new Filter(), "id", Integer.MAX_VALUE, 0);

  private final Database db;
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final UserRepository users;
  private final TeamRepository teams;
  private final TemplateRepository templates = new TemplateRepository();
  private final StrategyRepository strategies = new StrategyRepository();
  private final GroupRepository groups = new GroupRepository();
  private final ActionRepository actions = new ActionRepository();
  private final ConfigActions configActions = new ConfigActions();
  private final ExpressionRepository expressions = new ExpressionRepository();
  private final MockcfgRepository mocks = new MockcfgRepository();
  private final ScheduleConfig schedules; // on-call schedules, in a class of their own

  public ConfigYaml(Database db) {
    this.db = db;
    this.users = new UserRepository(db.userTable());
    this.teams = new TeamRepository(db.userTable());
    this.schedules = new ScheduleConfig(db.userTable());
  }

  /** The stored configuration as YAML, in a stable order. */
  public String export() throws IOException {
    return yaml.writeValueAsString(db.tx(this::read));
  }

  /**
   * Applies {@code text} (unless {@code dryRun}) and returns the changes, one line each ({@code +} added, {@code -}
   * removed, {@code ~} changed); none when the store already matches.
   *
   * @throws IllegalArgumentException for a file that cannot be read or breaks a rule, naming what is wrong
   */
  public List<String> importYaml(String text, boolean dryRun) {
    ConfigDocument want;
    try {
      ConfigDocument read = yaml.readValue(text, ConfigDocument.class);
      want = read == null ? null : read.normal();
    } catch (IOException e) {
      throw new IllegalArgumentException("not a configuration file: " + e.getMessage(), e);
    } catch (ApiException | NullPointerException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (want == null) {
      throw new IllegalArgumentException("the file is empty");
    }
    check(want);
    return db.tx(h -> {
      Set<String> accounts = accounts(h);
      ConfigDocument stored = read(h);
      // users who sign in stay, whether the file has them or not: a file cannot lock everyone out
      Set<String> wanted = want.users().stream().map(ConfigDocument.User::name).collect(Collectors.toSet());
      ConfigDocument have = new ConfigDocument(stored.users().stream()
          .filter(u -> wanted.contains(u.name()) || !accounts.contains(u.name())).toList(), stored.teams(),
          stored.templates(), stored.groups(), stored.expressions(), stored.nodata(), stored.schedules());
      List<String> changes = diff(have, want);
      if (!dryRun && !changes.isEmpty()) {
        apply(h, want);
        ConfigVersion.bump(h); // a running hbs rebuilds at its next check
      }
      return changes;
    });
  }

  /** Names of the users who sign in (see {@link UserRepository#isAccount}). */
  private Set<String> accounts(Handle h) {
    return users.page(h, new Listing(new Filter(), "u.id", Integer.MAX_VALUE, 0)).items().stream()
        .filter(u -> users.isAccount(h, u.id())).map(UserRow::name).collect(Collectors.toSet());
  }

  ConfigDocument read(Handle h) {
    Map<Long, ActionRow> actionsById = by(actions.page(h, ALL).items(), ActionRow::id);
    Map<Long, io.peregrine.hbs.escalation.Escalation> esc = configActions.escalations(h);
    List<TemplateRow> tpls = templates.page(h, ALL).items();
    Map<Long, String> tplNames = tpls.stream().collect(Collectors.toMap(TemplateRow::id, TemplateRow::name));
    Map<Long, List<StrategyRow>> byTpl = strategies.page(h, ALL).items().stream()
        .collect(Collectors.groupingBy(StrategyRow::templateId));
    return new ConfigDocument(
        users.page(h, new Listing(new Filter(), "u.id", Integer.MAX_VALUE, 0)).items().stream()
            .map(u -> new ConfigDocument.User(u.name(), u.cnname(), u.email(), u.phone(), u.im())).toList(),
        teams.page(h, ALL).items().stream().map(t -> new ConfigDocument.Team(t.name(), t.resume(),
            t.users().stream().map(UserRow::name).toList())).toList(),
        tpls.stream().map(t -> new ConfigDocument.Template(t.name(), tplNames.get(t.parentId()), t.createUser(),
            ConfigActions.of(actionsById.get(t.actionId()), esc), byTpl.getOrDefault(t.id(), List.of()).stream()
                .map(s -> new ConfigDocument.Strategy(s.metric(), s.tags(), s.func(), s.operator(), s.rightValue(),
                    s.maxStep(), s.priority(), s.note(), s.runBegin(), s.runEnd())).toList())).toList(),
        groups.page(h, ALL).items().stream().map(g -> new ConfigDocument.Group(g.name(), g.createUser(), g.hosts(),
            g.templateIds().stream().map(tplNames::get).toList(), g.pluginDirs())).toList(),
        expressions.page(h, ALL).items().stream().map(x -> new ConfigDocument.Expression(x.expression(), x.func(),
            x.operator(), x.rightValue(), x.maxStep(), x.priority(), x.note(), x.createUser(), x.pause(),
            ConfigActions.of(actionsById.get(x.actionId()), esc))).toList(),
        mocks.page(h, ALL).items().stream().map(m -> new ConfigDocument.Nodata(m.name(), m.obj(), m.objType(),
            m.metric(), m.tags(), m.dstype(), m.step(), m.mock())).toList(), schedules.read(h)).normal();
  }

  /** Names present and unique, references resolvable inside the file, no parent loops. */
  private static void check(ConfigDocument d) {
    Map<String, ConfigDocument.Template> tpls = new HashMap<>();
    unique("user", d.users().stream().map(ConfigDocument.User::name).toList());
    unique("team", d.teams().stream().map(ConfigDocument.Team::name).toList());
    unique("group", d.groups().stream().map(ConfigDocument.Group::name).toList());
    unique("nodata", d.nodata().stream().map(ConfigDocument.Nodata::name).toList());
    unique("expression", d.expressions().stream().map(ConfigDocument.Expression::key).toList());
    unique("template", d.templates().stream().map(ConfigDocument.Template::name).toList());
    d.templates().forEach(t -> tpls.put(t.name(), t));
    var userNames = d.users().stream().map(ConfigDocument.User::name).collect(Collectors.toSet());
    for (ConfigDocument.Team t : d.teams()) {
      t.users().stream().filter(u -> !userNames.contains(u)).findFirst().ifPresent(u -> {
        throw new IllegalArgumentException("team '" + t.name() + "' names user '" + u + "', who is not in users");
      });
    }
    for (ConfigDocument.Template t : d.templates()) {
      unique("strategy of template '" + t.name() + "'", t.strategies().stream().map(ConfigDocument.Strategy::key)
          .toList());
      String p = t.parent();
      for (int depth = 0; p != null; depth++) {
        if (!tpls.containsKey(p)) {
          throw new IllegalArgumentException("template '" + t.name() + "' has parent '" + p + "', not in templates");
        }
        if (p.equals(t.name()) || depth > tpls.size()) {
          throw new IllegalArgumentException("template '" + t.name() + "' inherits from itself");
        }
        p = tpls.get(p).parent();
      }
    }
    for (ConfigDocument.Group g : d.groups()) {
      g.templates().stream().filter(t -> !tpls.containsKey(t)).findFirst().ifPresent(t -> {
        throw new IllegalArgumentException("group '" + g.name() + "' binds template '" + t + "', not in templates");
      });
    }
    ScheduleConfig.check(d);
  }

  private static void unique(String what, List<String> names) {
    var seen = new java.util.HashSet<String>();
    for (String n : names) {
      if (n == null || n.isBlank()) {
        throw new IllegalArgumentException("a " + what + " has no name");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException(what + " '" + n + "' appears twice");
      }
    }
  }

  private List<String> diff(ConfigDocument have, ConfigDocument want) {
    List<String> out = new ArrayList<>();
    section(out, "user", have.users(), want.users(), ConfigDocument.User::name);
    section(out, "team", have.teams(), want.teams(), ConfigDocument.Team::name);
    section(out, "template", have.templates(), want.templates(), ConfigDocument.Template::name);
    section(out, "group", have.groups(), want.groups(), ConfigDocument.Group::name);
    section(out, "expression", have.expressions(), want.expressions(), ConfigDocument.Expression::key);
    section(out, "nodata", have.nodata(), want.nodata(), ConfigDocument.Nodata::name);
    section(out, "schedule", have.schedules(), want.schedules(), ConfigDocument.Schedule::name);
    return out;
  }

  <T> void section(List<String> out, String kind, List<T> have, List<T> want, Function<T, String> key) {
    Map<String, T> h = by(have, key);
    Map<String, T> w = by(want, key);
    w.forEach((k, v) -> {
      if (!h.containsKey(k)) {
        out.add("+ " + kind + " " + k);
      } else {
        fields(out, kind + " " + k, yaml.valueToTree(h.get(k)), yaml.valueToTree(v));
      }
    });
    h.keySet().stream().filter(k -> !w.containsKey(k)).forEach(k -> out.add("- " + kind + " " + k));
  }

  private void fields(List<String> out, String what, ObjectNode have, ObjectNode want) {
    var names = new java.util.TreeSet<String>();
    have.fieldNames().forEachRemaining(names::add);
    want.fieldNames().forEachRemaining(names::add);
    for (String f : names) {
      JsonNode a = have.get(f);
      JsonNode b = want.get(f);
      if (f.equals("strategies") && a != null && b != null) {
        Map<String, JsonNode> ha = new java.util.TreeMap<>();
        Map<String, JsonNode> wb = new java.util.TreeMap<>();
        a.forEach(s -> ha.put(s.get("metric").asText() + "{" + s.get("tags").asText() + "}", s));
        b.forEach(s -> wb.put(s.get("metric").asText() + "{" + s.get("tags").asText() + "}", s));
        wb.forEach((k, s) -> {
          if (!ha.containsKey(k)) {
            out.add("+ " + what + " strategy " + k);
          } else if (!ha.get(k).equals(s)) {
            fields(out, what + " strategy " + k, (ObjectNode) ha.get(k), (ObjectNode) s);
          }
        });
        ha.keySet().stream().filter(k -> !wb.containsKey(k)).forEach(k -> out.add("- " + what + " strategy " + k));
      } else if (a == null ? b != null : !a.equals(b)) {
        out.add("~ " + what + ": " + f + ": " + a + " -> " + b);
      }
    }
  }

  private void apply(Handle h, ConfigDocument want) {
    Map<String, UserRow> userRows = by(users.page(h, new Listing(new Filter(), "u.id", Integer.MAX_VALUE, 0))
        .items(), UserRow::name);
    Map<String, Long> userIds = new HashMap<>();
    for (ConfigDocument.User u : want.users()) {
      UserRow row = new UserRow(0, u.name(), u.cnname(), u.email(), u.phone(), u.im());
      UserRow cur = userRows.get(u.name());
      if (cur == null) {
        userIds.put(u.name(), users.create(h, row));
      } else {
        users.update(h, cur.id(), row);
        userIds.put(u.name(), cur.id());
      }
    }
    userRows.values().stream().filter(u -> !userIds.containsKey(u.name()) && !users.isAccount(h, u.id()))
        .forEach(u -> users.delete(h, u.id()));
    var teamRows = by(teams.page(h, ALL).items(), io.peregrine.hbs.store.TeamRow::name);
    for (ConfigDocument.Team t : want.teams()) {
      long id = teamRows.containsKey(t.name()) ? teamRows.get(t.name()).id() : teams.create(h, t.name(), t.resume());
      teams.update(h, id, t.name(), t.resume());
      teams.removeMembers(h, id);
      t.users().forEach(u -> teams.addMember(h, id, userIds.get(u)));
    }
    var wantTeams = by(want.teams(), ConfigDocument.Team::name);
    teamRows.values().stream().filter(t -> !wantTeams.containsKey(t.name())).forEach(t -> teams.delete(h, t.id()));

    Map<String, Long> tplIds = new HashMap<>();
    templates.page(h, ALL).items().forEach(t -> tplIds.put(t.name(), t.id()));
    var wantTpls = by(want.templates(), ConfigDocument.Template::name);
    for (ConfigDocument.Template t : want.templates()) {
      tplIds.computeIfAbsent(t.name(), n -> templates.create(h, n, 0, 0, t.createUser()));
    }
    for (ConfigDocument.Template t : want.templates()) {
      applyTemplate(h, t, tplIds);
    }

    var groupRows = by(groups.page(h, ALL).items(), GroupRow::name);
    var wantGroups = by(want.groups(), ConfigDocument.Group::name);
    groupRows.values().stream().filter(g -> !wantGroups.containsKey(g.name())).forEach(g -> groups.delete(h, g.id()));
    for (ConfigDocument.Group g : want.groups()) {
      applyGroup(h, g, groupRows.get(g.name()), tplIds);
    }
    tplIds.forEach((name, id) -> {
      if (!wantTpls.containsKey(name)) {
        h.createUpdate("DELETE FROM grp_tpl WHERE tpl_id = :t").bind("t", id).execute();
        templates.delete(h, id);
      }
    });

    Map<String, ExpressionRow> storedX = new HashMap<>();
    for (ExpressionRow x : expressions.page(h, ALL).items()) {
      String key = x.expression() + " " + x.func() + " " + x.operator() + " " + x.rightValue() + " p" + x.priority();
      if (storedX.putIfAbsent(key, x) != null) {
        expressions.delete(h, x.id());
      }
    }
    for (ConfigDocument.Expression x : want.expressions()) {
      ExpressionRow row = new ExpressionRow(0, x.expression(), x.func(), x.operator(), x.rightValue(), x.maxStep(),
          x.priority(), x.note(), actionId(h, x.action()), x.createUser(), x.pause());
      ExpressionRow cur = storedX.remove(x.key());
      if (cur == null) {
        expressions.create(h, row);
      } else {
        expressions.update(h, cur.id(), row);
      }
    }
    storedX.values().forEach(x -> expressions.delete(h, x.id()));
    var mockRows = by(mocks.page(h, ALL).items(), MockcfgRow::name);
    var wantMocks = by(want.nodata(), ConfigDocument.Nodata::name);
    mockRows.values().stream().filter(m -> !wantMocks.containsKey(m.name())).forEach(m -> mocks.delete(h, m.id()));
    for (ConfigDocument.Nodata n : want.nodata()) {
      MockcfgRow row = new MockcfgRow(0, n.name(), n.obj(), n.objType(), n.metric(), n.tags(), n.dstype(), n.step(),
          n.mock());
      if (mockRows.containsKey(n.name())) {
        mocks.update(h, mockRows.get(n.name()).id(), row);
      } else {
        mocks.create(h, row, "");
      }
    }
    schedules.apply(h, want.schedules());
  }

  /**
   * Makes the template {@code t.name()} (already a row: its id is in {@code tplIds}, with its parent's) equal to
   * {@code t}: parent, action, strategies. Strategies keep their ids where metric and tags stay: the judge's event
   * ids and dedup state hang on them.
   */
  void applyTemplate(Handle h, ConfigDocument.Template t, Map<String, Long> tplIds) {
    long id = tplIds.get(t.name());
    templates.update(h, id, t.name(), t.parent() == null ? 0 : tplIds.get(t.parent()), actionId(h, t.action()),
        t.createUser());
    Map<String, StrategyRow> stored = new HashMap<>();
    for (StrategyRow s : strategies.page(h, new Listing(new Filter().eq("tpl_id", id), "id", Integer.MAX_VALUE, 0))
        .items()) {
      if (stored.putIfAbsent(s.metric() + "{" + s.tags() + "}", s) != null) {
        strategies.delete(h, s.id()); // a duplicate of an older row on the same metric and tags
      }
    }
    for (ConfigDocument.Strategy s : t.strategies()) {
      StrategyRow row = new StrategyRow(0, s.metric(), s.tags(), s.maxStep(), s.priority(), s.func(), s.operator(),
          s.rightValue(), s.note(), s.runBegin(), s.runEnd(), id);
      StrategyRow cur = stored.remove(s.key());
      if (cur == null) {
        strategies.create(h, row);
      } else {
        strategies.update(h, cur.id(), row);
      }
    }
    stored.values().forEach(s -> strategies.delete(h, s.id()));
  }

  /** Makes group {@code g.name()} ({@code cur}: its row, null when new) equal to {@code g}; templates by name. */
  void applyGroup(Handle h, ConfigDocument.Group g, GroupRow cur, Map<String, Long> tplIds) {
    long id = cur == null ? groups.create(h, g.name(), g.createUser()) : cur.id();
    groups.update(h, id, g.name(), g.createUser());
    if (cur == null || !cur.hosts().equals(g.hosts())) {
      h.createUpdate("DELETE FROM grp_host WHERE grp_id = :g").bind("g", id).execute();
      g.hosts().forEach(n -> groups.bindHost(h, id, new io.peregrine.hbs.store.HostRepository().findOrCreate(h, n)));
    }
    h.createUpdate("DELETE FROM grp_tpl WHERE grp_id = :g").bind("g", id).execute();
    g.templates().forEach(t -> groups.bindTemplate(h, id, tplIds.get(t), ""));
    h.createUpdate("DELETE FROM plugin_dir WHERE grp_id = :g").bind("g", id).execute();
    g.pluginDirs().forEach(d -> groups.addPluginDir(h, id, d, ""));
  }

  /** The YAML mapper export writes and import reads with. */
  ObjectMapper yaml() {
    return yaml;
  }

  /** The id of an action with exactly this content, created when there is none; 0 for none. */
  private long actionId(Handle h, ConfigDocument.Action a) {
    return configActions.idOf(h, a);
  }

  private static <T> Map<String, T> by(List<T> list, Function<T, String> key) {
    Map<String, T> m = new java.util.LinkedHashMap<>();
    list.forEach(t -> m.put(key.apply(t), t));
    return m;
  }

  private static <T> Map<Long, T> by(List<T> list, java.util.function.ToLongFunction<T> key) {
    Map<Long, T> m = new HashMap<>();
    list.forEach(t -> m.put(key.applyAsLong(t), t));
    return m;
  }
}
