package io.peregrine.hbs.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The whole configuration as {@code peregrine hbs export} writes it and {@code import} reads it: references are
 * names (a template's parent, a group's templates, a team's users), never ids; every list is sorted, so the same
 * configuration always gives the same text. Actions have no name in Open-Falcon's model: they are written inside
 * the template or expression that uses them and found again by their content. Hosts appear only as group members
 * (heartbeats own the rest of a host).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigDocument(List<User> users, List<Team> teams, List<Template> templates, List<Group> groups,
    List<Expression> expressions, List<Nodata> nodata,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Schedule> schedules) {

  /** A document without on-call schedules. */
  public ConfigDocument(List<User> users, List<Team> teams, List<Template> templates, List<Group> groups,
      List<Expression> expressions, List<Nodata> nodata) {
    this(users, teams, templates, groups, expressions, nodata, null);
  }

  public record User(String name, String cnname, String email, String phone, String im) {
    User normal() {
      return new User(name, s(cnname), s(email), s(phone), s(im));
    }
  }

  public record Team(String name, String resume, List<String> users) {
    Team normal() {
      return new Team(name, s(resume), sorted(users));
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Action(String uic, String url, Boolean callback, Boolean beforeCallbackSms,
      Boolean beforeCallbackMail, Boolean afterCallbackSms, Boolean afterCallbackMail,
      io.peregrine.hbs.escalation.Escalation escalation) {
    Action normal() {
      return new Action(s(uic), s(url), b(callback), b(beforeCallbackSms), b(beforeCallbackMail), b(afterCallbackSms),
          b(afterCallbackMail), escalation == null || escalation.isEmpty() ? null
              : EscalationApi.checked(escalation));
    }
  }

  public record Strategy(String metric, String tags, String func, String operator, String rightValue,
      Integer maxStep, Integer priority, String note, String runBegin, String runEnd) {
    Strategy normal() {
      String m = StrategyRules.metric("metric", checkedName(metric, "a strategy's metric"));
      return new Strategy(m, StrategyRules.tags("tags", s(tags), m), StrategyRules.func("func", func),
          StrategyRules.operator("operator", operator), StrategyRules.rightValue("rightValue", number(rightValue)),
          maxStep == null ? 1 : maxStep, required(priority, "priority"), s(note), s(runBegin), s(runEnd));
    }

    String key() {
      return metric + "{" + tags + "}";
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Template(String name, String parent, String createUser, Action action, List<Strategy> strategies) {
    Template normal() {
      List<Strategy> list = strategies == null ? List.of() : strategies.stream().map(Strategy::normal)
          .sorted(Comparator.comparing(Strategy::key)).toList();
      return new Template(name, parent == null || parent.isEmpty() ? null : parent, s(createUser),
          action == null ? null : action.normal(), list);
    }
  }

  public record Group(String name, String createUser, List<String> hosts, List<String> templates,
      List<String> pluginDirs) {
    Group normal() {
      List<String> names = sorted(hosts);
      names.forEach(h -> checkedName(h, "a host of group '" + name + "'"));
      return new Group(name, s(createUser), names, sorted(templates), sorted(pluginDirs));
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Expression(String expression, String func, String operator, String rightValue, Integer maxStep,
      Integer priority, String note, String createUser, Boolean pause, Action action) {
    Expression normal() {
      return new Expression(StrategyRules.expression("expression", Objects.requireNonNull(expression,
          "an expression needs 'expression'")), StrategyRules.func("func", func),
          StrategyRules.operator("operator", operator), StrategyRules.rightValue("rightValue", number(rightValue)),
          maxStep == null ? 1 : maxStep, required(priority, "priority"), s(note), s(createUser), b(pause),
          action == null ? null : action.normal());
    }

    /** Expressions have no name: the selector, function, operator, threshold and priority tell them apart. */
    String key() {
      return expression + " " + func + " " + operator + " " + rightValue + " p" + priority;
    }
  }

  public record Nodata(String name, String obj, String objType, String metric, String tags, String dstype,
      Integer step, Double mock) {
    Nodata normal() {
      String m = StrategyRules.metric("metric", checkedName(metric, "nodata '" + name + "' metric"));
      if (!List.of("host", "group", "other").contains(s(objType))) {
        throw new IllegalArgumentException("nodata '" + name + "': objType must be host, group or other, got '"
            + objType + "'");
      }
      return new Nodata(name, s(obj), s(objType), m, StrategyRules.tags("tags", s(tags), m),
          dstype == null ? "GAUGE" : dstype, step == null ? 60 : step, mock == null ? 0 : mock);
    }
  }

  /** An on-call schedule ({@code SchedulesApi}); the users keep their order (it is the rotation's). */
  public record Schedule(String name, String timeZone, String handoverDay, String handoverTime, String startsOn,
      List<String> users, String description) {
    Schedule normal() {
      return ScheduleConfig.normal(this);
    }
  }

  /** Defaults filled in, tags and functions canonical, lists sorted: what export would write for the same rows. */
  ConfigDocument normal() {
    return new ConfigDocument(
        list(users).stream().map(User::normal).sorted(Comparator.comparing(User::name)).toList(),
        list(teams).stream().map(Team::normal).sorted(Comparator.comparing(Team::name)).toList(),
        list(templates).stream().map(Template::normal).sorted(Comparator.comparing(Template::name)).toList(),
        list(groups).stream().map(Group::normal).sorted(Comparator.comparing(Group::name)).toList(),
        list(expressions).stream().map(Expression::normal).sorted(Comparator.comparing(Expression::key)).toList(),
        list(nodata).stream().map(Nodata::normal).sorted(Comparator.comparing(Nodata::name)).toList(),
        list(schedules).stream().map(Schedule::normal).sorted(Comparator.comparing(Schedule::name)).toList());
  }

  /** A name: not empty, at most 255 characters, no control characters (what the admin API takes). */
  private static String checkedName(String v, String what) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (v.length() > io.peregrine.common.model.Limits.MAX_NAME_LENGTH || v.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(what + " '" + v + "' is longer than "
          + io.peregrine.common.model.Limits.MAX_NAME_LENGTH + " characters or holds a control character");
    }
    return v.trim();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static List<String> sorted(List<String> l) {
    return l == null ? List.of() : l.stream().map(String::trim).distinct().sorted().toList();
  }

  private static String s(String v) {
    return v == null ? "" : v.trim();
  }

  private static Boolean b(Boolean v) {
    return v != null && v;
  }

  private static int required(Integer v, String field) {
    if (v == null || v < 0 || v > 6) {
      throw ApiException.badField(field, "must be within 0..6, got " + v);
    }
    return v;
  }

  private static double number(String v) {
    try {
      return Double.parseDouble(Objects.requireNonNull(v, "rightValue is required").trim());
    } catch (NumberFormatException e) {
      throw ApiException.badField("rightValue", "must be a number, got '" + v + "'");
    }
  }
}
