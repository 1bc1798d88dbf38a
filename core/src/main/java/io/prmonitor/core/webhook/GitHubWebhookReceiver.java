package io.prmonitor.core.webhook;

import io.prmonitor.WebhookConfig;
import io.prmonitor.WebhookReceiver;
import io.prmonitor.WebhookResponse;
import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.WebhookDeliveries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WebhookReceiver} of a monitor: verifies, deduplicates and hands each delivery to its
 * {@link TargetedReads} (or any consumer of its events). See {@link WebhookReceiver} for the order of the checks and the answers. Nothing it
 * logs or answers holds a secret, a signature or the payload. Thread-safe.
 */
public final class GitHubWebhookReceiver implements WebhookReceiver {

  private static final Logger log = LoggerFactory.getLogger(GitHubWebhookReceiver.class);

  private final Signatures signatures;
  private final WebhookDeliveries deliveries;
  private final Function<RepositoryId, RepositoryId> watched;
  private final Consumer<WebhookEvent> reads;
  private final WebhookStats stats;
  private final MonitorMetrics metrics;
  private final Clock clock;
  private final int maxPayloadBytes;

  /**
   * @param reads takes each accepted event (a monitor's {@link TargetedReads#request}); must not block
   * @param watched maps a repository named by a payload to the monitor's own id of it, or to null when the
   *     monitor does not watch it
   */
  public GitHubWebhookReceiver(WebhookConfig config, WebhookDeliveries deliveries,
      Function<RepositoryId, RepositoryId> watched, Consumer<WebhookEvent> reads, WebhookStats stats, MonitorMetrics metrics,
      Clock clock) {
    this(config, deliveries, watched, reads, stats, metrics, clock, MAX_PAYLOAD_BYTES);
  }

  GitHubWebhookReceiver(WebhookConfig config, WebhookDeliveries deliveries,
      Function<RepositoryId, RepositoryId> watched, Consumer<WebhookEvent> reads, WebhookStats stats, MonitorMetrics metrics,
      Clock clock, int maxPayloadBytes) {
    this.signatures = new Signatures(config.secrets());
    this.deliveries = deliveries;
    this.watched = watched;
    this.reads = reads;
    this.stats = stats;
    this.metrics = metrics;
    this.clock = clock;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  @Override
  public WebhookResponse receive(Function<String, String> header, InputStream body) {
    return receive(header, body, System.nanoTime());
  }

  private WebhookResponse receive(Function<String, String> header, InputStream body, long started) {
    String declared = header.apply("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > maxPayloadBytes) {
          return answer(started, "too_large", 413, "payload larger than GitHub's cap of " + maxPayloadBytes + " bytes");
        }
      } catch (NumberFormatException e) {
        return answer(started, "bad_request", 400, "Content-Length is not a number");
      }
    }
    byte[] raw;
    try {
      raw = readAtMost(body, maxPayloadBytes + 1);
    } catch (IOException e) {
      return answer(started, "bad_request", 400, "the body could not be read");
    }
    if (raw.length > maxPayloadBytes) {
      return answer(started, "too_large", 413, "payload larger than GitHub's cap of " + maxPayloadBytes + " bytes");
    }
    if (!signatures.verify(header.apply("X-Hub-Signature-256"), raw, raw.length)) {
      stats.signatureFailed();
      String why = header.apply("X-Hub-Signature-256") == null ? "missing X-Hub-Signature-256"
          : "X-Hub-Signature-256 does not match";
      // which delivery, never the signature: a wrong signature is still derived from some key
      log.warn("webhook delivery refused: {} (delivery {}, event {})", why, printable(header.apply("X-GitHub-Delivery")),
          printable(header.apply("X-GitHub-Event")));
      return answer(started, "unauthorized", 401, why);
    }
    stats.verified();
    String event = header.apply("X-GitHub-Event");
    String delivery = header.apply("X-GitHub-Delivery");
    if (event == null || event.isBlank()) {
      return answer(started, "bad_request", 400, "missing X-GitHub-Event");
    }
    if (delivery == null || delivery.isBlank() || delivery.length() > WebhookDeliveries.MAX_DELIVERY_ID_LENGTH) {
      return answer(started, "bad_request", 400, "missing or overlong X-GitHub-Delivery");
    }
    if (event.equals("ping")) {
      return answer(started, "ping", 200, "pong");
    }
    if (!WebhookPayloads.HANDLED.contains(event)) {
      return answer(started, "ignored", 202, "event " + printable(event) + " ignored");
    }
    byte[] json = raw;
    String contentType = header.apply("Content-Type");
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      json = formPayload(raw);
      if (json == null) {
        return answer(started, "bad_request", 400, "form body without a payload parameter");
      }
    } else if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return answer(started, "bad_request", 415, "Content-Type must be application/json or application/x-www-form-urlencoded");
    }
    WebhookEvent parsed;
    try {
      parsed = WebhookPayloads.parse(event, json, 0, json.length);
    } catch (IllegalArgumentException e) {
      log.warn("webhook delivery {} ({}) unreadable: {}", printable(delivery), event, e.getMessage());
      return answer(started, "bad_request", 400, "unreadable payload: " + e.getMessage());
    }
    if (parsed == null) {
      return answer(started, "ignored", 202, "event names no pull request");
    }
    RepositoryId repository = watched.apply(parsed.repository());
    if (repository == null) {
      return answer(started, "ignored", 202, "repository not watched");
    }
    boolean first;
    try {
      first = deliveries.recordDelivery(delivery, clock.instant());
    } catch (StoreException e) {
      log.warn("webhook delivery {} not recorded; answering 503 so that it can be redelivered: {}",
          printable(delivery), e.getMessage());
      return answer(started, "unavailable", 503, "the store could not record the delivery");
    }
    if (!first) {
      return answer(started, "duplicate", 202, "delivery already received");
    }
    reads.accept(new WebhookEvent(repository, parsed.kind(), parsed.hints()));
    log.debug("webhook delivery {}: {} on {}", printable(delivery), event, repository);
    return answer(started, "accepted", 202, "accepted");
  }

  private WebhookResponse answer(long started, String outcome, int status, String message) {
    metrics.webhookDelivery(outcome, System.nanoTime() - started);
    return new WebhookResponse(status, message);
  }

  private static byte[] readAtMost(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
    byte[] buffer = new byte[64 * 1024];
    int total = 0;
    int n;
    while (total < limit && (n = in.read(buffer, 0, Math.min(buffer.length, limit - total))) > 0) {
      out.write(buffer, 0, n);
      total += n;
    }
    return out.toByteArray();
  }

  /** The decoded {@code payload} parameter of a form body (GitHub's form content type), or null. */
  private static byte[] formPayload(byte[] raw) {
    for (String pair : new String(raw, StandardCharsets.US_ASCII).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals("payload")) {
        try {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** A header value fit for a log line: at most 64 printable ASCII characters. */
  private static String printable(String value) {
    if (value == null) {
      return "-";
    }
    String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    char[] chars = cut.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] < 0x20 || chars[i] > 0x7e) {
        chars[i] = '?';
      }
    }
    return new String(chars);
  }

  @Override
  public String toString() {
    return "GitHubWebhookReceiver[" + signatures + "]";
  }
}
