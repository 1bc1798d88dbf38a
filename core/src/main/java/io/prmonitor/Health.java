package io.prmonitor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The health of a monitor at one moment, from {@link PRMonitor#health()}.
 *
 * @param status the overall status: the worst of the checks
 * @param checks each check's status, by name: {@code store}, {@code github}, {@code lastPass},
 *     {@code repositories}
 * @param details a human-readable detail per check, by the same names
 */
public record Health(Status status, Map<String, Status> checks, Map<String, String> details) {

  private static final JsonFactory JSON = new JsonFactory();

  /** A health status, from best to worst. */
  public enum Status {
    /** Everything works. */
    UP,
    /** Working, but something needs attention: budget low, repositories failing or deferred, passes late. */
    DEGRADED,
    /** Not working: the store cannot be reached. */
    DOWN
  }

  public Health {
    Objects.requireNonNull(status, "null status");
    checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /**
   * A supplier of health that evaluates {@code evaluate} at most once per {@code maxAge}: later calls within
   * that time get the same answer, and concurrent callers share one evaluation, so a burst of probes against
   * an HTTP endpoint costs one store ping. Thread-safe.
   *
   * @param evaluate evaluates the health now, such as {@code monitor::health}
   * @param maxAge how long an answer is reused, not negative
   * @throws IllegalArgumentException if {@code maxAge} is negative
   */
  public static Supplier<Health> cached(Supplier<Health> evaluate, Duration maxAge) {
    Objects.requireNonNull(evaluate, "null evaluate");
    Objects.requireNonNull(maxAge, "null maxAge");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge cannot be negative: " + maxAge);
    }
    return new CachedHealth(evaluate, maxAge);
  }

  /** Renders the health as JSON: {@code {"status":"UP","checks":{"store":{"status":"UP","detail":"..."}}}}. */
  public String toJson() {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("status", status.name());
      json.writeObjectFieldStart("checks");
      for (var entry : checks.entrySet()) {
        json.writeObjectFieldStart(entry.getKey());
        json.writeStringField("status", entry.getValue().name());
        json.writeStringField("detail", details.getOrDefault(entry.getKey(), ""));
        json.writeEndObject();
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
