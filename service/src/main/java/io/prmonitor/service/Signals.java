package io.prmonitor.service;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop with exit status 0. A JVM stopped by a signal through its
 * shutdown hooks exits with 143 (128 + 15) whatever the hooks do, and systemd counts that as a failure
 * unless told otherwise; handling the signals instead lets the main thread close the monitor and exit 0.
 * {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to do this and is kept for exactly
 * this use.
 */
final class Signals {

  private Signals() {
  }

  /** Runs {@code onStop} on a thread of its own at the first SIGTERM or SIGINT; later ones are ignored. */
  static void onStop(Runnable onStop) {
    java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (!fired.getAndSet(true)) {
          Thread.ofPlatform().name("prmonitor-stop").start(onStop);
        }
      });
    }
  }
}
