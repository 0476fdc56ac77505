package io.peregrine.hbs.grpc;

import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.TeamRepository;
import io.peregrine.hbs.store.UserRow;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who hears about an action's events: the action's {@code uic} names teams (comma-separated), the teams hold users
 * with their contacts. The callback URL is sent only when the action's callback flag is on.
 */
public final class ReceiversService {
  private final Database db;
  private final ActionRepository actions = new ActionRepository();
  private final TeamRepository teams;
  private final io.peregrine.hbs.escalation.EscalationRepository escalations =
      new io.peregrine.hbs.escalation.EscalationRepository();

  public ReceiversService(Database db) {
    this.db = db;
    this.teams = new TeamRepository(db.userTable());
  }

  public Receivers receivers(long actionId) {
    return db.tx(h -> {
      Optional<ActionRow> found = actions.find(h, actionId);
      Receivers.Builder out = Receivers.newBuilder().setActionId(actionId);
      if (found.isEmpty()) {
        return out.setFound(false).build();
      }
      ActionRow a = found.get();
      for (UserRow u : teams.usersOfTeams(h, teamNames(a.uic()))) {
        out.addReceivers(Receiver.newBuilder().setName(u.name()).setEmail(u.email()).setPhone(u.phone())
            .setIm(u.im()));
      }
      EscalationSteps.add(out, escalations.find(h, actionId), names -> teams.usersOfTeams(h, names));
      return out.setFound(true)
          .setCallbackUrl(a.callback() ? a.url() : "")
          .setBeforeCallbackSms(a.beforeCallbackSms())
          .setBeforeCallbackMail(a.beforeCallbackMail())
          .setAfterCallbackSms(a.afterCallbackSms())
          .setAfterCallbackMail(a.afterCallbackMail())
          .build();
    });
  }

  static List<String> teamNames(String uic) {
    return Arrays.stream(uic.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
  }
}
