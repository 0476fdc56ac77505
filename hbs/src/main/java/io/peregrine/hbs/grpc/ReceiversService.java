package io.peregrine.hbs.grpc;

import io.peregrine.hbs.oncall.NameResolver;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.UserRow;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who hears about an action's events: the action's {@code uic} names teams or on-call schedules (comma-separated),
 * resolved at the time of the question by {@link NameResolver}; a schedule's answer holds until its next hand-over
 * ({@code valid_until}), and a name that reaches nobody is reported in {@code problems}. The callback URL is sent
 * only when the action's callback flag is on.
 */
public final class ReceiversService {
  private final Database db;
  private final ActionRepository actions = new ActionRepository();
  private final NameResolver names;
  private final Clock clock;
  private final io.peregrine.hbs.escalation.EscalationRepository escalations =
      new io.peregrine.hbs.escalation.EscalationRepository();

  public ReceiversService(Database db) {
    this(db, Clock.systemUTC());
  }

  public ReceiversService(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.names = new NameResolver(db.userTable());
  }

  public Receivers receivers(long actionId) {
    return db.tx(h -> {
      Optional<ActionRow> found = actions.find(h, actionId);
      Receivers.Builder out = Receivers.newBuilder().setActionId(actionId);
      if (found.isEmpty()) {
        return out.setFound(false).build();
      }
      ActionRow a = found.get();
      NameResolver.Resolution r = names.resolve(h, teamNames(a.uic()), clock.millis() / 1000);
      for (UserRow u : r.users()) {
        out.addReceivers(Receiver.newBuilder().setName(u.name()).setEmail(u.email()).setPhone(u.phone())
            .setIm(u.im()));
      }
      EscalationSteps.add(out, escalations.find(h, actionId),
          teams -> names.resolve(h, teams, clock.millis() / 1000).users());
      out.setValidUntil(r.validUntil() * 1000).addAllProblems(r.problems());
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
