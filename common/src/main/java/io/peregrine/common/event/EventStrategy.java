package io.peregrine.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** Open-Falcon's strategy object inside an event (its JSON field names). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventStrategy(
    long id,
    String metric,
    Map<String, String> tags,
    String func,
    String operator,
    double rightValue,
    int maxStep,
    int priority,
    String note,
    EventTemplate tpl) {}
