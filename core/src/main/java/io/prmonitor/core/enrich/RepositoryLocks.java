package io.prmonitor.core.enrich;

import io.prmonitor.spi.RepositoryId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock per repository, which orders its reads within a monitor: a pass's, a gathered batch's and a webhook's.
 * Thread-safe.
 */
final class RepositoryLocks {

  private final Map<RepositoryId, ReentrantLock> locks = new ConcurrentHashMap<>();

  /** The repository's lock (the same one every time). */
  ReentrantLock of(RepositoryId repository) {
    return locks.computeIfAbsent(repository, r -> new ReentrantLock());
  }
}
