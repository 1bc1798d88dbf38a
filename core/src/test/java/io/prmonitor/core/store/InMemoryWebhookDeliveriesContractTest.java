package io.prmonitor.core.store;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.contract.WebhookDeliveriesContract;

/** The webhook-delivery contract on the in-memory store (one process: {@code reopen()} is the same store). */
class InMemoryWebhookDeliveriesContractTest extends WebhookDeliveriesContract {

  @Override
  protected PullRequestStore createStore() {
    return new InMemoryPullRequestStore();
  }
}
