package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.sender.message.MessageFormatter;
import java.util.List;

/**
 * Where the sender writes what happened to each incident (opened, notified, acknowledged, silenced, suppressed,
 * recovered); hbs keeps it in SQL ({@code Hbs.RecordIncidentEvents}, docs/ALERTING.md). Recording never blocks
 * and never fails a delivery.
 */
public interface IncidentHistory {
  IncidentHistory NONE = entry -> { };

  void record(IncidentEvent entry);

  /** An entry about {@code event} of {@code kind} at {@code atMillis}, the rest left for the caller to set. */
  static IncidentEvent.Builder entry(AlertEvent event, String kind, long atMillis) {
    return IncidentEvent.newBuilder().setEventId(event.id()).setKind(kind).setAt(atMillis)
        .setEndpoint(clip(event.endpoint(), 255)).setMetric(clip(MessageFormatter.metricOf(event), 255))
        .setPriority(MessageFormatter.priorityOf(event)).setStep(event.currentStep());
  }

  /** A send's entry ({@code notified}, {@code escalated}): its channel, the addresses, ok / failed / refused, why. */
  static IncidentEvent send(AlertEvent event, String kind, long atMillis, String channel, List<String> to,
      String result, String detail) {
    return entry(event, kind, atMillis).setChannel(clip(channel, 32)).setReceiver(clip(String.join(",", to), 1024))
        .setResult(result).setDetail(clip(detail, 1024)).build();
  }

  /** The {@code acknowledged} entry of an incident. */
  static IncidentEvent acknowledged(IncidentStore.Incident i, IncidentStore.Ack ack, String via) {
    return IncidentEvent.newBuilder().setEventId(i.id()).setKind("acknowledged").setAt(ack.atMillis())
        .setEndpoint(clip(i.endpoint(), 255)).setMetric(clip(i.metric(), 255)).setPriority(i.priority())
        .setStep(i.lastStep()).setChannel(via).setReceiver(clip(ack.by(), 1024)).setDetail(clip(ack.comment(), 1024))
        .build();
  }

  /** {@code s} cut to {@code max} characters (hbs refuses longer fields), "" for null. */
  static String clip(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
