package io.prmonitor.simulator;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds API requests unanswered while closed, and tells how many distinct tokens have a request waiting:
 * a test starts several clients (worker processes) and lets them be answered only once each has sent its
 * first request, so none can finish work before the others started theirs. Open unless
 * {@link GitHubSimulator#holdRequests()} closed it. Thread-safe.
 */
final class RequestGate {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Set<String> waiting = new HashSet<>();
  private boolean closed;

  void close() {
    lock.lock();
    try {
      closed = true;
      waiting.clear();
    } finally {
      lock.unlock();
    }
  }

  void open() {
    lock.lock();
    try {
      closed = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits while the gate is closed; {@code token} is the request's token, "" for none. */
  void pass(String token) throws InterruptedException {
    lock.lock();
    try {
      if (!closed) {
        return;
      }
      waiting.add(token);
      changed.signalAll();
      while (closed) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until requests of at least {@code tokens} distinct tokens are held; false on timeout. */
  boolean awaitWaiting(int tokens, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (waiting.size() < tokens) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
