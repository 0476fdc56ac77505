package io.peregrine.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** Open-Falcon's expression object inside an event. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventExpression(
    long id,
    String metric,
    Map<String, String> tags,
    String func,
    String operator,
    double rightValue,
    int maxStep,
    int priority,
    String note,
    long actionId) {}
