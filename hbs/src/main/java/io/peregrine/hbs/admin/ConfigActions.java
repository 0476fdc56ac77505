package io.peregrine.hbs.admin;

import io.peregrine.hbs.escalation.Escalation;
import io.peregrine.hbs.escalation.EscalationRepository;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Actions in the config document: written inline (they have no name) with their escalation, and found again on
 * import by their whole content, escalation included.
 */
final class ConfigActions {
  private final ActionRepository actions = new ActionRepository();
  private final EscalationRepository escalations = new EscalationRepository();

  /** Every action's escalation, for {@link #of}. */
  Map<Long, Escalation> escalations(Handle h) {
    return escalations.all(h);
  }

  static ConfigDocument.Action of(ActionRow a, Map<Long, Escalation> escalations) {
    return a == null ? null : new ConfigDocument.Action(a.uic(), a.url(), a.callback(), a.beforeCallbackSms(),
        a.beforeCallbackMail(), a.afterCallbackSms(), a.afterCallbackMail(), escalations.get(a.id()));
  }

  /** The id of an action with exactly this content (escalation included), created when there is none; 0 for none. */
  long idOf(Handle h, ConfigDocument.Action a) {
    if (a == null) {
      return 0;
    }
    ActionRow row = new ActionRow(0, a.uic(), a.url(), a.callback(), a.beforeCallbackSms(), a.beforeCallbackMail(),
        a.afterCallbackSms(), a.afterCallbackMail());
    Escalation want = a.escalation() == null ? Escalation.NONE : a.escalation();
    return actions.list(h).stream().filter(x -> new ActionRow(0, x.uic(), x.url(), x.callback(),
            x.beforeCallbackSms(), x.beforeCallbackMail(), x.afterCallbackSms(), x.afterCallbackMail()).equals(row))
        .filter(x -> escalations.find(h, x.id()).equals(want))
        .map(ActionRow::id).findFirst().orElseGet(() -> {
          long id = actions.create(h, row);
          escalations.replace(h, id, want);
          return id;
        });
  }
}
