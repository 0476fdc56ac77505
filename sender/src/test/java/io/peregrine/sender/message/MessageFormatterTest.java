package io.peregrine.sender.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.sender.testing.TestEvents;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MessageFormatterTest {
  private static final ZoneId UTC = ZoneOffset.UTC;

  @Test
  void writesSmsInOpenFalconShape() {
    long t = LocalDateTime.of(2026, 11, 22, 10, 0).toEpochSecond(ZoneOffset.UTC);
    AlertEvent e = TestEvents.problem("s_3_x", 0, 9, t);

    assertThat(new MessageFormatter(UTC, "").sms(e))
        .isEqualTo("[P0][PROBLEM][host1][][note all(#3) cpu.idle k=v 3<10][O1 2026-11-22 10:00:00]");
  }

  @Test
  void writesOpenFalconsOwnEventWithTwoSpacesForNoTags() {
    AlertEvent e = AlertEventJson.read(TestEvents.OPEN_FALCON_JSON);

    assertThat(new MessageFormatter(UTC, "").sms(e))
        .isEqualTo("[P2][PROBLEM][host1][][cpu almost busy all(#3) cpu.idle  1.5<5][O2 2023-11-14 22:13:20]");
  }

  @Test
  void writesExpressionEventWithSortedTags() {
    assertThat(new MessageFormatter(UTC, "").sms(TestEvents.expressionOk()))
        .isEqualTo("[P4][OK][web-7][][api overloaded max(#5) qps dc=east,service=api 880>=1000.5]"
            + "[O1 2023-11-14 22:18:20]");
  }

  @Test
  void writesTimeInConfiguredZone() {
    AlertEvent e = AlertEventJson.read(TestEvents.OPEN_FALCON_JSON);

    assertThat(new MessageFormatter(ZoneId.of("Asia/Shanghai"), "").sms(e)).endsWith("[O2 2023-11-15 06:13:20]");
  }

  @Test
  void writesMailBodyLineByLineWithDashboardLink() {
    AlertEvent e = AlertEventJson.read(TestEvents.OPEN_FALCON_JSON);

    Messages m = new MessageFormatter(UTC, "http://portal:8081/").render(e);

    assertThat(m.mailSubject()).isEqualTo(m.sms());
    assertThat(m.im()).isEqualTo(m.sms());
    assertThat(m.mailBody()).isEqualTo("PROBLEM\r\nP2\r\nEndpoint:host1\r\nMetric:cpu.idle\r\nTags:\r\n"
        + "all(#3): 1.5<5\r\nNote:cpu almost busy\r\nMax:3, Current:2\r\nTimestamp:2023-11-14 22:13:20\r\n"
        + "http://portal:8081/portal/template/view/4\r\n");
  }

  @Test
  void linksExpressionsToTheirPageAndLeavesLinkOutWithoutDashboard() {
    assertThat(new MessageFormatter(UTC, "http://portal").mailBody(TestEvents.expressionOk()))
        .endsWith("Timestamp:2023-11-14 22:18:20\r\nhttp://portal/portal/expression/view/3\r\n");
    assertThat(new MessageFormatter(UTC, "").mailBody(TestEvents.expressionOk()))
        .endsWith("Max:1, Current:1\r\nTimestamp:2023-11-14 22:18:20\r\n");
  }

  @Test
  void writesNumbersAsOpenFalconsReadableFloat() {
    assertThat(EventText.readable(3)).isEqualTo("3");
    assertThat(EventText.readable(0.5)).isEqualTo("0.5");
    assertThat(EventText.readable(12.3456789)).isEqualTo("12.34568");
    assertThat(EventText.readable(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(EventText.readable(-7.25)).isEqualTo("-7.25");
    assertThat(EventText.readable(1e21)).isEqualTo("1000000000000000000000");
    assertThat(EventText.readable(0.000001)).isEqualTo("0");
    assertThat(EventText.readable(-0.000001)).isEqualTo("-0");
    assertThat(EventText.readable(Double.NaN)).isEqualTo("NaN");
    assertThat(EventText.readable(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
  }

  @Test
  void neverFailsOnMissingFields() {
    AlertEvent bare = new AlertEvent("x", null, null, "PROBLEM", null, 1, 1, 0, null, 5, null, null, null);

    assertThat(new MessageFormatter(UTC, "http://portal").sms(bare))
        .isEqualTo("[P5][PROBLEM][][][    10][O1 1970-01-01 00:00:00]");
  }
}
