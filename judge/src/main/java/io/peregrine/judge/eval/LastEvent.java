package io.peregrine.judge.eval;

/** What dedup remembers of the last event sent for one event id. */
public record LastEvent(boolean problem, int currentStep, long eventTime) {}
