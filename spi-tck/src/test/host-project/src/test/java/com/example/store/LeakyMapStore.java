package com.example.store;

/** A store that keeps the keys of purged changes forever: it grows without bound, and drops a change detected again. */
public class LeakyMapStore extends MapStore {

  @Override
  protected void forget(String key) {
    // leaks: the key stays in the deduplication set
  }
}
