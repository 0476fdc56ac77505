package io.peregrine.sender.channel;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.sender.message.Messages;
import io.peregrine.sender.receiver.Recipients;

/** What every channel needs for one event: the event, its texts, and who it goes to. */
public record Notice(AlertEvent event, Messages messages, Recipients recipients) {}
