package io.peregrine.hbs.grpc;

import io.peregrine.hbs.silence.Matcher;
import io.peregrine.hbs.silence.SilenceRepository;
import io.peregrine.hbs.silence.SilenceRow;
import io.peregrine.hbs.silence.SilenceRules;
import io.peregrine.hbs.store.Database;
import io.peregrine.proto.v1.Silence;
import io.peregrine.proto.v1.SilenceMatcher;
import io.peregrine.proto.v1.Silences;
import java.time.Clock;

/** {@code Hbs.GetSilences}: every silence not yet ended, read from SQL at each call (senders ask every few seconds). */
public final class SilencesService {
  private final Database db;
  private final Clock clock;
  private final SilenceRepository silences = new SilenceRepository();

  public SilencesService(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public Silences silences() {
    long now = clock.millis() / 1000;
    Silences.Builder out = Silences.newBuilder().setNow(now);
    for (SilenceRow s : db.tx(h -> silences.live(h, now, SilenceRules.MAX_LIVE_SILENCES))) {
      Silence.Builder b = Silence.newBuilder().setId(s.id()).setStartsAt(s.startsAt()).setEndsAt(s.endsAt())
          .setAuthor(s.author()).setComment(s.comment());
      for (Matcher m : s.matchers()) {
        b.addMatchers(SilenceMatcher.newBuilder().setName(m.name()).setValue(m.value()).setRegex(m.regex()));
      }
      out.addSilences(b);
    }
    return out.build();
  }
}
