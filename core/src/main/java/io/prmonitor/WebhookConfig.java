package io.prmonitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook settings of a {@link PRMonitor} ({@link PRMonitor.Builder#webhooks}): the secrets deliveries
 * are signed with, how re-reads are debounced, and how far polling may relax while deliveries arrive.
 *
 * <p>Built with {@link #builder()}; every setter rejects a bad value at once with an
 * {@link IllegalArgumentException} naming the field. {@code toString()} never shows a secret.
 *
 * @param secrets the webhook secrets a delivery may be signed with, in order of preference; several during a
 *     rotation (add the new one, change it on GitHub, then drop the old one)
 * @param debounce how long a re-read waits after the first event of a burst on one repository, so that the
 *     burst costs one list request
 * @param healthyPassInterval the time between scheduled passes while webhooks are healthy, or null to keep
 *     {@link ProcessorConfig#passInterval()}; at least that interval
 * @param healthyWithin webhooks count as healthy while the last verified delivery is at most this old
 * @param deliveryRetention how long delivery ids are kept to recognise a redelivery
 */
public record WebhookConfig(List<String> secrets, Duration debounce, Duration healthyPassInterval,
    Duration healthyWithin, Duration deliveryRetention) {

  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);
  public static final Duration DEFAULT_HEALTHY_WITHIN = Duration.ofMinutes(15);
  /** GitHub lets a delivery of the past 3 days be redelivered; a week keeps every redelivery recognisable. */
  public static final Duration DEFAULT_DELIVERY_RETENTION = Duration.ofDays(7);

  public WebhookConfig {
    secrets = List.copyOf(secrets);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether webhooks count as healthy when the last verified delivery is this old (null: none yet). */
  boolean healthy(Duration sinceLastDelivery) {
    return sinceLastDelivery != null && sinceLastDelivery.compareTo(healthyWithin) <= 0;
  }

  @Override
  public String toString() {
    return "WebhookConfig[secrets=" + secrets.size() + " masked, debounce=" + debounce + ", healthyPassInterval="
        + healthyPassInterval + ", healthyWithin=" + healthyWithin + ", deliveryRetention=" + deliveryRetention
        + "]";
  }

  /** Builds a {@link WebhookConfig}. Not thread-safe. */
  public static final class Builder {
    private final List<String> secrets = new ArrayList<>();
    private Duration debounce = DEFAULT_DEBOUNCE;
    private Duration healthyPassInterval;
    private Duration healthyWithin = DEFAULT_HEALTHY_WITHIN;
    private Duration deliveryRetention = DEFAULT_DELIVERY_RETENTION;

    private Builder() {
    }

    /** Adds a secret deliveries may be signed with; required, at least one. At least 8 characters. */
    public Builder secret(String secret) {
      if (secret == null || secret.isBlank()) {
        throw new IllegalArgumentException("webhook secret must not be blank");
      }
      if (secret.length() < 8) {
        // the value is never shown, only its length
        throw new IllegalArgumentException("webhook secret must be at least 8 characters: " + secret.length());
      }
      secrets.add(secret);
      return this;
    }

    /** How long a re-read waits for more events of the same repository, 0 to 1 minute; default 200 ms. */
    public Builder debounce(Duration value) {
      if (value == null || value.isNegative() || value.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("debounce must be between 0 and 1 minute: " + value);
      }
      this.debounce = value;
      return this;
    }

    /**
     * The time between scheduled passes while webhooks are healthy, up to 1 day, or null (the default) to keep
     * {@link ProcessorConfig#passInterval()}. {@link PRMonitor.Builder#build()} checks that it is at least
     * that interval.
     */
    public Builder healthyPassInterval(Duration value) {
      if (value != null && (value.isNegative() || value.isZero() || value.compareTo(Duration.ofDays(1)) > 0)) {
        throw new IllegalArgumentException("healthyPassInterval must be between 1 ms and 1 day: " + value);
      }
      this.healthyPassInterval = value;
      return this;
    }

    /** How recent the last verified delivery must be for webhooks to count as healthy; default 15 minutes. */
    public Builder healthyWithin(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("healthyWithin must be positive: " + value);
      }
      this.healthyWithin = value;
      return this;
    }

    /** How long delivery ids are kept, at least 1 hour; default 7 days. */
    public Builder deliveryRetention(Duration value) {
      if (value == null || value.compareTo(Duration.ofHours(1)) < 0) {
        throw new IllegalArgumentException("deliveryRetention must be at least 1 hour: " + value);
      }
      this.deliveryRetention = value;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalStateException if no secret was given
     */
    public WebhookConfig build() {
      if (secrets.isEmpty()) {
        throw new IllegalStateException("at least one webhook secret is required: WebhookConfig.builder().secret(...)");
      }
      return new WebhookConfig(secrets, debounce, healthyPassInterval, healthyWithin, deliveryRetention);
    }
  }
}
