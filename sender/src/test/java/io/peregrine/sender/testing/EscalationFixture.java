package io.peregrine.sender.testing;

import io.peregrine.proto.v1.EscalationStep;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import java.util.List;
import java.util.Map;

/**
 * Action 9 with an escalation, as hbs answers it: alice (sms, mail) is the action's; after 5 minutes team b (bob,
 * sms), after 15 team leads (lena, mail), then leads again every 30 minutes.
 */
public final class EscalationFixture {
  public static final String ALICE_PHONE = "13800000001";
  public static final String BOB_PHONE = "13800000002";
  public static final String LENA = "lena@example.com";

  private EscalationFixture() {}

  public static Receivers answer() {
    return Receivers.newBuilder().setActionId(9).setFound(true)
        .addReceivers(Receiver.newBuilder().setName("alice").setPhone(ALICE_PHONE).setEmail("alice@example.com"))
        .addEscalationSteps(EscalationStep.newBuilder().setAfterMinutes(5).setTeam("b").setChannel("sms")
            .addReceivers(Receiver.newBuilder().setName("bob").setPhone(BOB_PHONE)))
        .addEscalationSteps(EscalationStep.newBuilder().setAfterMinutes(15).setTeam("leads").setChannel("mail")
            .addReceivers(Receiver.newBuilder().setName("lena").setEmail(LENA)))
        .setEscalationRepeatMinutes(30).build();
  }

  public static FakeHbs hbs() throws Exception {
    return new FakeHbs(Map.of(), Map.of(9L, answer()));
  }

  /** The escalation sends a gateway got ({@code tos} and which step), in order. */
  public static List<String> steps(RecordingHttpServer gateway) {
    return gateway.requests().stream().filter(r -> r.form().getOrDefault("content", "").contains("escalation step"))
        .map(r -> r.path() + " " + r.form().get("tos") + " " + stepOf(r.form().get("content"))).toList();
  }

  /** The OKs sent to those an escalation told. */
  public static List<String> recoveries(RecordingHttpServer gateway) {
    return gateway.requests().stream().filter(r -> r.form().getOrDefault("content", "")
        .contains("recovery of an escalated incident")).map(r -> r.path() + " " + r.form().get("tos")).toList();
  }

  private static String stepOf(String content) {
    int i = content.indexOf("escalation step ");
    return content.substring(i + "escalation step ".length(), i + "escalation step ".length() + 6);
  }
}
