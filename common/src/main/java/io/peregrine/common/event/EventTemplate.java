package io.peregrine.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Open-Falcon's template object inside an event's strategy: the action id says who is told. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventTemplate(long id, String name, long parentId, long actionId, String creator) {}
