package com.example.store;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.contract.PullRequestStoreContract;

class MapStoreContractTest extends PullRequestStoreContract {

  @Override
  protected PullRequestStore createStore() {
    return new MapStore();
  }
}
