package io.prmonitor.core.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds a Prometheus registry in what the host bound, without making micrometer-registry-prometheus a
 * required dependency: the Prometheus class is touched only after checking that it can be loaded.
 */
final class PrometheusText {

  private static final String PROMETHEUS_REGISTRY = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";

  private PrometheusText() {
  }

  /** A supplier of the Prometheus text of {@code registry} (or of a Prometheus registry inside a composite). */
  static Optional<Supplier<String>> of(MeterRegistry registry) {
    if (registry == null || !available()) {
      return Optional.empty();
    }
    return Scraper.find(registry);
  }

  private static boolean available() {
    try {
      Class.forName(PROMETHEUS_REGISTRY, false, PrometheusText.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Loaded only when the Prometheus registry class is present. */
  private static final class Scraper {
    static Optional<Supplier<String>> find(MeterRegistry registry) {
      if (registry instanceof io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus) {
        return Optional.of(prometheus::scrape);
      }
      if (registry instanceof CompositeMeterRegistry composite) {
        for (MeterRegistry child : composite.getRegistries()) {
          Optional<Supplier<String>> found = find(child);
          if (found.isPresent()) {
            return found;
          }
        }
      }
      return Optional.empty();
    }
  }
}
