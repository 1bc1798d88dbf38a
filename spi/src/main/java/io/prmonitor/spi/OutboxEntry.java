package io.prmonitor.spi;

import java.util.Objects;

/**
 * A change held in a store's outbox until every listener has accepted it.
 *
 * @param sequence the store-assigned position of the entry; entries of one pull request are appended,
 *     and must be delivered, in increasing sequence order
 * @param change the change
 * @param attempts how many delivery attempts have failed so far
 */
public record OutboxEntry(long sequence, PullRequestChange change, int attempts) {

  public OutboxEntry {
    Objects.requireNonNull(change, "null change");
  }
}
