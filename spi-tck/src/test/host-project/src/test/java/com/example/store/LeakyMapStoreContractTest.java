package com.example.store;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.contract.PullRequestStoreContract;

class LeakyMapStoreContractTest extends PullRequestStoreContract {

  @Override
  protected PullRequestStore createStore() {
    return new LeakyMapStore();
  }
}
