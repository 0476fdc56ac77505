package io.peregrine.hbs.grpc;

import io.peregrine.hbs.escalation.Escalation;
import io.peregrine.hbs.store.UserRow;
import io.peregrine.proto.v1.EscalationStep;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import java.util.List;
import java.util.function.Function;

/**
 * Puts an action's escalation into its {@code GetReceivers} answer, each step's team resolved to its users by the
 * same lookup as the action's own teams, so whatever that lookup resolves by name a step may name too.
 */
final class EscalationSteps {
  private EscalationSteps() {}

  static void add(Receivers.Builder out, Escalation e, Function<List<String>, List<UserRow>> usersOf) {
    if (e.isEmpty()) {
      return;
    }
    for (Escalation.Step s : e.steps()) {
      EscalationStep.Builder b = EscalationStep.newBuilder().setAfterMinutes(s.afterMinutes()).setTeam(s.team())
          .setChannel(s.channel());
      for (UserRow u : usersOf.apply(List.of(s.team()))) {
        b.addReceivers(Receiver.newBuilder().setName(u.name()).setEmail(u.email()).setPhone(u.phone())
            .setIm(u.im()));
      }
      out.addEscalationSteps(b);
    }
    out.setEscalationRepeatMinutes(e.repeatMinutes());
  }
}
