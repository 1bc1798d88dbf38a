package io.prmonitor.service;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into an orderly stop with exit status 0. A JVM stopped by a signal through its
 * shutdown hooks exits with 143 (128 + 15) whatever the hooks do, and systemd counts that as a failure
 * unless told otherwise; handling the signals instead lets the main thread close the monitor and exit 0.
 * {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to do this; it is reached through
 * reflection so that the build carries no warning for it, and where it is missing the JVM's default
 * (shutdown hooks, status 143) remains.
 */
final class Signals {

  private Signals() {
  }

  /** Runs {@code onStop} on a thread of its own at the first SIGTERM or SIGINT; later ones are ignored. */
  static void onStop(Runnable onStop) {
    AtomicBoolean fired = new AtomicBoolean();
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType},
          (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
              if (!fired.getAndSet(true)) {
                Thread.ofPlatform().name("prmonitor-stop").start(onStop);
              }
              yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "prmonitor stop handler";
            default -> null;
          });
      Method handle = signal.getMethod("handle", signal, handlerType);
      for (String name : new String[] {"TERM", "INT"}) {
        handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LoggerFactory.getLogger(Signals.class).warn("cannot handle SIGTERM/SIGINT ({}); a signal stops the JVM "
          + "through its shutdown hooks, with status 143", e.toString());
    }
  }
}
