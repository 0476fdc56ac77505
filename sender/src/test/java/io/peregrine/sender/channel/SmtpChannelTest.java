package io.peregrine.sender.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.testing.TcpProxy;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.Person;
import io.peregrine.sender.receiver.Recipients;
import io.peregrine.sender.testing.StartTlsFront;
import io.peregrine.sender.testing.TestEvents;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SMTP channel against GreenMail, a real SMTP server on free ports: plain with login, STARTTLS, implicit TLS. */
class SmtpChannelTest {
  @RegisterExtension
  static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
      ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts", "secret"));

  private final MessageFormatter formatter = new MessageFormatter(ZoneOffset.UTC, "");
  private final Recipients team = new Recipients(List.of(new Person("alice", "alice@example.com", "", ""),
      new Person("bob", "", "138", ""), new Person("carol", "carol@example.com", "", "")),
      Recipients.Status.RESOLVED, "");

  private Notice notice(AlertEvent event, Recipients recipients) {
    return Notice.of(event, "{}", formatter.render(event), recipients, recipients.addresses(Person::email), "");
  }

  private Notice notice(Recipients recipients) {
    return notice(TestEvents.problem("s_3_m", 1, 9, 1700000000), recipients);
  }

  private SmtpChannel channel(int port, String password, SmtpChannel.Security security) {
    return new SmtpChannel("127.0.0.1", port, "alerts", password, "peregrine@example.com", security,
        security == SmtpChannel.Security.PLAIN ? "" : "127.0.0.1", Duration.ofSeconds(5));
  }

  private SmtpChannel plain(String password) {
    return channel(MAIL.getSmtp().getPort(), password, SmtpChannel.Security.PLAIN);
  }

  @Test
  void mailsTextAndHtmlToEveryReceiverWithAnAddress() throws Exception {
    plain("secret").send(notice(team));

    MimeMessage[] received = MAIL.getReceivedMessages();
    assertThat(received).hasSize(2); // one message, one copy per recipient mailbox
    MimeMessage m = received[0];
    assertThat(m.getSubject())
        .isEqualTo("[P1][PROBLEM][host1][][note all(#3) cpu.idle k=v 3<10][O1 2023-11-14 22:13:20]");
    assertThat(Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Object::toString))
        .containsExactly("alice@example.com", "carol@example.com");
    assertThat(m.getFrom()[0].toString()).isEqualTo("peregrine@example.com");
    assertThat(GreenMailUtil.getBody(m)).contains("Endpoint:host1").contains("Max:3, Current:1");
    assertThat(m.getContentType()).startsWith("multipart/alternative");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat((String) parts.getBodyPart(0).getContent()).contains("Endpoint:host1");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat((String) parts.getBodyPart(1).getContent()).contains("<td>host1</td>");
  }

  @Test
  void chineseNoteArrivesIntactInSubjectAndBody() throws Exception {
    EventStrategy s = new EventStrategy(8, "disk.used", Map.of(), "all(#1)", ">", 90, 3, 1, "磁盘快满了，请处理",
        new EventTemplate(4, "基础", 0, 9, "root"));
    AlertEvent e = new AlertEvent("s_8_zh", s, null, AlertEvent.PROBLEM, "数据库-01", 95, 1, 1700000000,
        Map.of("挂载", "/data"), 1, "disk.used", "s_8_zh/PROBLEM/1700000000/1", List.of(95.0));

    plain("secret").send(notice(e, team));

    MimeMessage m = MAIL.getReceivedMessages()[0];
    assertThat(m.getSubject()).contains("磁盘快满了，请处理").contains("[数据库-01]").contains("挂载=/data");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat((String) parts.getBodyPart(0).getContent()).contains("Note:磁盘快满了，请处理");
    assertThat((String) parts.getBodyPart(1).getContent()).contains("磁盘快满了，请处理");
  }

  @Test
  void implicitTlsDeliversOverSmtps() throws Exception {
    channel(MAIL.getSmtps().getPort(), "secret", SmtpChannel.Security.IMPLICIT_TLS).send(notice(team));

    assertThat(MAIL.getReceivedMessages()).hasSize(2);
  }

  @Test
  void startTlsUpgradesBeforeLoginAndDelivers() throws Exception {
    try (StartTlsFront front = new StartTlsFront(MAIL.getSmtp().getPort())) {
      channel(front.port(), "secret", SmtpChannel.Security.STARTTLS).send(notice(team));

      assertThat(front.upgraded()).isEqualTo(1);
      assertThat(MAIL.getReceivedMessages()).hasSize(2);
    }
  }

  @Test
  void startTlsIsRequiredNotAttempted() {
    // plain GreenMail offers no STARTTLS: the channel refuses to send in clear text
    SmtpChannel c = channel(MAIL.getSmtp().getPort(), "secret", SmtpChannel.Security.STARTTLS);

    assertThatThrownBy(() -> c.send(notice(team))).isInstanceOf(ChannelException.class)
        .hasMessageContaining("STARTTLS");
    assertThat(MAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void aBatchGoesOverOneConnection() throws Exception {
    try (TcpProxy proxy = new TcpProxy(MAIL.getSmtp().getPort())) {
      SmtpChannel c = channel(proxy.port(), "secret", SmtpChannel.Security.PLAIN);
      List<Notice> batch = List.of(notice(team), notice(TestEvents.problem("s_3_n", 2, 9, 1700000060), team),
          notice(TestEvents.problem("s_3_o", 3, 9, 1700000120), team));

      List<ChannelException> outcomes = c.sendAll(batch);

      assertThat(outcomes).containsOnlyNulls().hasSize(3);
      assertThat(proxy.accepted()).isEqualTo(1);
      assertThat(MAIL.getReceivedMessages()).hasSize(6);
    }
  }

  @Test
  void failsOnRejectedLoginSoTheEventIsRetried() {
    assertThatThrownBy(() -> plain("wrong").send(notice(team)))
        .isInstanceOf(ChannelException.class).hasMessageContaining("smtp 127.0.0.1:")
        .matches(e -> !((ChannelException) e).permanent());
  }
}
