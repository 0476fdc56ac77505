package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Action callbacks (Open-Falcon's {@code action.url} with its before/after flags): the whole sender with a real
 * gRPC hbs and one loopback HTTP server for the gateways and the callback, whose request order is the order sent.
 */
class CallbackTest {
  private static final long T = LocalDateTime.of(2026, 11, 22, 10, 0).toEpochSecond(ZoneOffset.UTC);
  /** Open-Falcon's callback parameters for TestEvents.problem(..., 0, ..., T), as a form. */
  private static final String CALLBACK_BODY = "endpoint=host1&metric=cpu.idle&status=PROBLEM&step=1&priority=0"
      + "&time=2026-11-22+10%3A00%3A00&tpl_id=4&exp_id=0&stra_id=3&left_value=3&tags=k%3Av";
  private static final List<Receiver> TEAM = List.of(
      Receiver.newBuilder().setName("alice").setEmail("alice@example.com").setPhone("13800000001").build(),
      Receiver.newBuilder().setName("bob").setPhone("13800000002").build());

  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private final AtomicInteger callbacks = new AtomicInteger();
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private static Receivers action(long id, String url, boolean beforeSms, boolean beforeMail, boolean afterSms,
      boolean afterMail) {
    return Receivers.newBuilder().setActionId(id).setFound(true).addAllReceivers(TEAM).setCallbackUrl(url)
        .setBeforeCallbackSms(beforeSms).setBeforeCallbackMail(beforeMail).setAfterCallbackSms(afterSms)
        .setAfterCallbackMail(afterMail).build();
  }

  private void start(FakeHbs hbs, RecordingHttpServer http) throws Exception {
    sender = new SenderServer(Configs.sender(Map.of("hbsAddress", hbs.address(), "console", false,
        "smsGatewayUrl", http.url("/sms"), "mailGatewayUrl", http.url("/mail"))), queue, console);
    sender.start();
  }

  /** Answers the n-th callback (from 1) with {@code status.apply(n)}, everything else with 200. */
  private RecordingHttpServer server(java.util.function.IntUnaryOperator status) throws Exception {
    RecordingHttpServer[] self = new RecordingHttpServer[1];
    self[0] = new RecordingHttpServer(n -> self[0].lastBody().startsWith("endpoint=")
        ? status.applyAsInt(callbacks.incrementAndGet()) : 200);
    return self[0];
  }

  private List<String> paths(RecordingHttpServer http) {
    return http.requests().stream().map(r -> r.path() + " " + r.answered()).toList();
  }

  private double counter(String name, String... tags) {
    var c = sender.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void flaggedTextsGoBeforeTheCallbackAndFlaggedMailsAfterIt() throws Exception {
    try (RecordingHttpServer http = server(n -> 200);
        FakeHbs hbs = new FakeHbs(Map.of(), Map.of(21L, action(21, http.url("/cb"), true, false, false, true)))) {
      start(hbs, http);
      AlertEvent event = TestEvents.problem("s_3_cb", 0, 21, T);
      queue.publish(event);

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      assertThat(paths(http)).containsExactly("/sms 200", "/cb 200", "/mail 200");
      RecordingHttpServer.Request call = http.requests().get(1);
      assertThat(call.body()).isEqualTo(CALLBACK_BODY);
      assertThat(call.contentType()).isEqualTo("application/x-www-form-urlencoded; charset=utf-8");
      assertThat(call.headers()).containsEntry("x-peregrine-event-key", event.eventKey());
      assertThat(http.requests().get(0).form()).containsEntry("tos", "13800000001,13800000002");
      assertThat(http.requests().get(2).form()).containsEntry("tos", "alice@example.com");
      assertThat(counter("sender.delivered", "channel", "callback")).isEqualTo(1);
    }
  }

  @Test
  void withoutFlagsTheCallbackAloneIsCalledEvenForALowPriorityEvent() throws Exception {
    try (RecordingHttpServer http = server(n -> 200);
        FakeHbs hbs = new FakeHbs(Map.of(), Map.of(22L, action(22, http.url("/cb"), false, false, false, false)))) {
      start(hbs, http);
      AlertEvent p4 = TestEvents.problem("s_3_quiet", 4, 22, T);
      queue.publish(p4);

      // not merged into a digest (whose window is 60 s): called at once, as Open-Falcon does
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      assertThat(paths(http)).containsExactly("/cb 200");
      assertThat(http.requests().get(0).form()).containsEntry("priority", "4").containsEntry("endpoint", "host1");
      assertThat(counter("sender.skipped", "channel", "sms", "reason", "callback_flags")).isEqualTo(1);
      assertThat(counter("sender.skipped", "channel", "mail", "reason", "callback_flags")).isEqualTo(1);
    }
  }

  @Test
  void failingCallbackIsRetriedAloneAndTheAfterNoticesWaitForIt() throws Exception {
    try (RecordingHttpServer http = server(n -> n <= 2 ? 503 : 200);
        FakeHbs hbs = new FakeHbs(Map.of(), Map.of(21L, action(21, http.url("/cb"), true, false, false, true)))) {
      start(hbs, http);
      queue.publish(TestEvents.problem("s_3_flaky", 0, 21, T));

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      // the SMS went once, before; the mail only after the call finally succeeded
      assertThat(paths(http)).containsExactly("/sms 200", "/cb 503", "/cb 503", "/cb 200", "/mail 200");
      assertThat(counter("sender.failed", "channel", "callback")).isEqualTo(2);
      assertThat(queue.deadLetters()).isEmpty();
    }
  }

  @Test
  void aRedeliveredEventDoesNotCallTheCallbackAgain() throws Exception {
    try (RecordingHttpServer http = server(n -> 200);
        FakeHbs hbs = new FakeHbs(Map.of(), Map.of(22L, action(22, http.url("/cb"), false, false, false, false)))) {
      start(hbs, http);
      AlertEvent event = TestEvents.problem("s_3_twice", 0, 22, T);
      queue.publish(event);
      queue.publish(event); // the same event key again, as after a crash between call and ack

      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 2);
      assertThat(paths(http)).containsExactly("/cb 200");
      assertThat(counter("sender.duplicates.suppressed", "channel", "callback")).isEqualTo(1);
    }
  }

  @Test
  void refusedCallbackIsDeadLetteredAtOnceAndTheAfterNoticesAreNotSent() throws Exception {
    try (RecordingHttpServer http = server(n -> 400);
        FakeHbs hbs = new FakeHbs(Map.of(), Map.of(21L, action(21, http.url("/cb"), false, true, true, false)))) {
      start(hbs, http);
      queue.publish(TestEvents.problem("s_3_refused", 0, 21, T));

      await().atMost(Duration.ofSeconds(10)).until(() -> queue.deadLetters().size() == 1);
      assertThat(paths(http)).containsExactly("/mail 200", "/cb 400");
      assertThat(queue.deadLetterEntries().get(0).reason()).startsWith("refused, not retried")
          .contains("callback").contains("answered 400");
      assertThat(counter("sender.acked")).isZero();
    }
  }
}
