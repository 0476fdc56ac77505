package io.peregrine.hbs.seed;

import io.peregrine.common.lifecycle.Component;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import io.peregrine.hbs.store.ConflictException;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.StrategyRepository;
import io.peregrine.hbs.store.StrategyRow;
import io.peregrine.hbs.store.TeamRepository;
import io.peregrine.hbs.store.TemplateRepository;
import io.peregrine.hbs.store.UserRow;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo configuration all-in-one starts with: team {@code ops} (user {@code admin}), an action telling it,
 * group and template {@code peregrine-demo} bound together, and four strategies, one of which fires on purpose so
 * that a first run shows an alert being delivered. Runs once: nothing happens when the demo template exists.
 */
public final class DemoSeed implements Component {
  public static final String NAME = "peregrine-demo";
  private static final Logger log = LoggerFactory.getLogger(DemoSeed.class);

  private final Database db;

  public DemoSeed(Database db) {
    this.db = db;
  }

  @Override
  public String name() {
    return "hbs-demo-seed";
  }

  @Override
  public void start() {
    TemplateRepository templates = new TemplateRepository();
    try {
      boolean seeded = db.tx(h -> {
        if (templates.findByName(h, NAME).isPresent()) {
          return false;
        }
        TeamRepository teams = new TeamRepository(db.userTable());
        long team = teams.idOf(h, "ops").orElseGet(() -> teams.create(h, "ops", "demo team"));
        teams.addMember(h, team, teams.upsertUser(h, new UserRow(0, "admin", "", "root@localhost", "", "")));
        long action = new ActionRepository().create(h, new ActionRow(0, "ops", "", false, false, false, false,
            false));
        GroupRepository groups = new GroupRepository();
        long group = groups.findOrCreate(h, NAME, "hbs");
        long template = templates.create(h, NAME, 0, action, "hbs");
        groups.bindTemplate(h, group, template, "hbs");
        StrategyRepository strategies = new StrategyRepository();
        for (StrategyRow s : strategies(template)) {
          strategies.create(h, s);
        }
        return true;
      });
      if (seeded) {
        log.info("hbs: demo configuration created: template and group '{}', team 'ops' with user 'admin'", NAME);
      } else {
        log.info("hbs: demo template '{}' exists; demo seed skipped", NAME);
      }
    } catch (ConflictException e) {
      log.info("hbs: another hbs seeded the demo at the same moment; keeping its rows");
    }
  }

  static List<StrategyRow> strategies(long template) {
    return List.of(
        new StrategyRow(0, "agent.alive", "", 1, 6, "all(#1)", "==", "1",
            "demo: the agent on this host is alive (fires on purpose, to show delivery)", "", "", template),
        new StrategyRow(0, "demo.temperature", "", 3, 1, "all(#3)", ">", "90", "demo: temperature above 90", "", "",
            template),
        new StrategyRow(0, "cpu.busy", "", 3, 2, "all(#3)", ">", "90", "CPU busy above 90%", "", "", template),
        new StrategyRow(0, "mem.memused.percent", "", 3, 2, "all(#3)", ">", "90", "memory used above 90%", "", "",
            template));
  }

  @Override
  public void close() {
    // nothing held
  }
}
