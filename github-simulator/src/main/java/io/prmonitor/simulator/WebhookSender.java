package io.prmonitor.simulator;

import io.prmonitor.spi.LoopbackHost;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's webhook: once a loopback URL is {@link #register registered}, every pull request opened or
 * changed in the simulator is sent there as a GitHub {@code pull_request} delivery (the action GitHub would
 * name: {@code opened}, {@code edited}, {@code synchronize}, {@code labeled}, {@code closed}, ...), with
 * GitHub's headers ({@code X-GitHub-Event}, {@code X-GitHub-Delivery}, {@code X-GitHub-Hook-ID},
 * {@code X-Hub-Signature-256}, {@code X-Hub-Signature}, {@code User-Agent: GitHub-Hookshot/...}) and GitHub's
 * payload shape ({@code action}, {@code number}, the full {@code pull_request} as the single-pull-request
 * endpoint serves it, {@code repository}, {@code sender}, and per action {@code label}, {@code assignee},
 * {@code requested_reviewer}, {@code requested_team}, {@code before}/{@code after}, {@code changes}), built
 * from the pull request's state at the mutation.
 *
 * <p>Deliveries go out one after the other from one thread, in mutation order (or up to
 * {@link #concurrency} at once, as GitHub sends them), unless the knobs say otherwise: a fraction is dropped (kept for {@link #redeliverDropped()}), a fraction sent twice (same
 * delivery id, as GitHub's redelivery), a fraction delayed, and a fraction reordered (held back until the
 * next delivery has been sent). Each knob draws from one seeded random sequence, so a run is repeatable.
 * {@link #redeliver} sends any delivery again with its id and body, as GitHub's "Redeliver" button does.
 *
 * <p>Thread-safe.
 */
public final class WebhookSender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  private static final HexFormat HEX = HexFormat.of();
  /** The hook id every delivery carries. */
  public static final long HOOK_ID = 109_948_940L;

  /** One delivery: what was sent (or would have been). */
  public record Delivery(String id, String event, String action, RepositoryId repository, int number,
      Instant updatedAt, byte[] body, long createdNanos) {
  }

  /** Counts since start. */
  public record Stats(long created, long sent, long dropped, long duplicated, long delayed, long reordered,
      long redelivered, long failed) {
  }

  private final WebhookPayload.Builder payloads;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile ExecutorService sender = newSender(1);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "simulator-webhook-timer");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, Delivery> byId = new ConcurrentHashMap<>();
  private final Map<String, Long> firstAnswered = new ConcurrentHashMap<>();
  private final List<Delivery> dropped = new ArrayList<>();
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong droppedCount = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();
  private final AtomicLong delayed = new AtomicLong();
  private final AtomicLong reordered = new AtomicLong();
  private final AtomicLong redelivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile HttpClient http;
  private volatile URI url;
  private volatile SecretKeySpec key256;
  private volatile SecretKeySpec key1;
  private SplittableRandom random = new SplittableRandom(19);
  private double dropRate;
  private double duplicateRate;
  private double delayRate;
  private Duration maxDelay = Duration.ofSeconds(2);
  private double reorderRate;
  private Delivery held;
  private volatile java.util.function.Consumer<Delivery> onCreated = d -> { };

  WebhookSender(World world) {
    this.payloads = new WebhookPayload.Builder(world);
  }

  /**
   * Sends every later mutation to this loopback URL, signed with this secret.
   *
   * @throws IllegalArgumentException if the URL is not {@code http} to a loopback address, or the secret blank
   */
  public WebhookSender register(URI url, String secret) {
    Objects.requireNonNull(url, "null url");
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("webhook secret must not be blank");
    }
    if (!"http".equals(url.getScheme()) || !LoopbackHost.matches(url.getHost())) {
      throw new IllegalArgumentException("webhook URL must be http:// to a loopback address: " + url);
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.key256 = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.key1 = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
    this.url = url;
    return this;
  }

  private static ExecutorService newSender(int threads) {
    AtomicLong n = new AtomicLong();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread thread = new Thread(r, "simulator-webhook-sender-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * How many deliveries may be in flight at once, as GitHub sends them; default 1: one after the other, in
   * mutation order (then a slow answer delays every later delivery). Set before the first mutation.
   */
  public WebhookSender concurrency(int threads) {
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("concurrency must be between 1 and 64: " + threads);
    }
    ExecutorService old = sender;
    sender = newSender(threads);
    old.shutdown();
    return this;
  }

  /** The seed of the knobs' random draws; default 19. */
  public WebhookSender seed(long seed) {
    lock.lock();
    try {
      random = new SplittableRandom(seed);
    } finally {
      lock.unlock();
    }
    return this;
  }

  /** The fraction of deliveries never sent (until {@link #redeliverDropped()}), 0 to 1; default 0. */
  public WebhookSender dropRate(double rate) {
    dropRate = rate(rate, "dropRate");
    return this;
  }

  /** The fraction of deliveries sent twice with the same id, 0 to 1; default 0. */
  public WebhookSender duplicateRate(double rate) {
    duplicateRate = rate(rate, "duplicateRate");
    return this;
  }

  /** The fraction of deliveries sent up to {@code maxDelay} late (uniformly), 0 to 1; default 0. */
  public WebhookSender delayRate(double rate, Duration maxDelay) {
    delayRate = rate(rate, "delayRate");
    this.maxDelay = Objects.requireNonNull(maxDelay, "null maxDelay");
    return this;
  }

  /** The fraction of deliveries held back until the next one has been sent, 0 to 1; default 0. */
  public WebhookSender reorderRate(double rate) {
    reorderRate = rate(rate, "reorderRate");
    return this;
  }

  /** Called with each delivery as it is created (before any knob), on the mutating thread; for measurements. */
  public WebhookSender onCreated(java.util.function.Consumer<Delivery> listener) {
    this.onCreated = Objects.requireNonNull(listener, "null listener");
    return this;
  }

  private static double rate(double rate, String name) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " must be between 0 and 1: " + rate);
    }
    return rate;
  }

  /** Counts since start. */
  public Stats stats() {
    return new Stats(created.get(), sent.get(), droppedCount.get(), duplicated.get(), delayed.get(),
        reordered.get(), redelivered.get(), failed.get());
  }

  /** Every delivery created so far, by id. */
  public Map<String, Delivery> deliveries() {
    return Map.copyOf(byId);
  }

  /**
   * When the receiver first answered this delivery, on {@link System#nanoTime()}'s scale (compare with
   * {@link Delivery#createdNanos()}), or null if it has not been answered.
   */
  public Long answeredNanos(String deliveryId) {
    return firstAnswered.get(deliveryId);
  }

  /** Sends again, in order, every delivery dropped so far; returns how many. */
  public int redeliverDropped() {
    List<Delivery> again;
    lock.lock();
    try {
      again = List.copyOf(dropped);
      dropped.clear();
    } finally {
      lock.unlock();
    }
    again.forEach(d -> redeliver(d.id()));
    return again.size();
  }

  /**
   * Sends a delivery again, with its id and body.
   *
   * @throws IllegalArgumentException if no delivery has this id
   */
  public void redeliver(String deliveryId) {
    Delivery delivery = byId.get(deliveryId);
    if (delivery == null) {
      throw new IllegalArgumentException("no webhook delivery " + deliveryId);
    }
    redelivered.incrementAndGet();
    sender.execute(() -> post(delivery));
  }

  /** Builds the delivery of a mutation (under the world's write lock) and queues it. */
  void mutated(SimRepository repo, SimPullRequest pr, WebhookPayload.Before before) {
    if (url == null) {
      return;
    }
    WebhookPayload payload = payloads.of(repo, pr, before);
    Delivery delivery = new Delivery(UUID.randomUUID().toString(), "pull_request", payload.action(),
        repo.repositoryId, pr.number, pr.updatedAt, payload.body(), System.nanoTime());
    created.incrementAndGet();
    byId.put(delivery.id(), delivery);
    onCreated.accept(delivery);
    dispatch(delivery);
  }

  private void dispatch(Delivery delivery) {
    Delivery release = null;
    boolean duplicate;
    lock.lock();
    try {
      if (random.nextDouble() < dropRate) {
        dropped.add(delivery);
        droppedCount.incrementAndGet();
        return;
      }
      duplicate = random.nextDouble() < duplicateRate;
      if (random.nextDouble() < delayRate) {
        long nanos = (long) (random.nextDouble() * maxDelay.toNanos());
        delayed.incrementAndGet();
        timer.schedule(() -> send(delivery, duplicate), nanos, TimeUnit.NANOSECONDS);
        return;
      }
      if (held == null && random.nextDouble() < reorderRate) {
        held = delivery;
        reordered.incrementAndGet();
        // released after the next delivery, or after a second if none follows
        timer.schedule(this::releaseHeld, 1, TimeUnit.SECONDS);
        if (duplicate) {
          duplicated.incrementAndGet();
          sender.execute(() -> post(delivery));
        }
        return;
      }
      send(delivery, duplicate);
      release = held;
      held = null;
    } finally {
      lock.unlock();
    }
    if (release != null) {
      Delivery late = release;
      sender.execute(() -> post(late));
    }
  }

  private void releaseHeld() {
    Delivery release;
    lock.lock();
    try {
      release = held;
      held = null;
    } finally {
      lock.unlock();
    }
    if (release != null) {
      sender.execute(() -> post(release));
    }
  }

  private void send(Delivery delivery, boolean duplicate) {
    sender.execute(() -> post(delivery));
    if (duplicate) {
      duplicated.incrementAndGet();
      sender.execute(() -> post(delivery));
    }
  }

  private void post(Delivery delivery) {
    URI target = url;
    if (target == null) {
      return;
    }
    try {
      HttpRequest request = HttpRequest.newBuilder(target)
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .header("User-Agent", "GitHub-Hookshot/prmonitor-simulator")
          .header("X-GitHub-Event", delivery.event())
          .header("X-GitHub-Delivery", delivery.id())
          .header("X-GitHub-Hook-ID", Long.toString(HOOK_ID))
          .header("X-GitHub-Hook-Installation-Target-Type", "repository")
          .header("X-Hub-Signature-256", "sha256=" + HEX.formatHex(mac(key256, delivery.body())))
          .header("X-Hub-Signature", "sha1=" + HEX.formatHex(mac(key1, delivery.body())))
          .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
          .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      firstAnswered.putIfAbsent(delivery.id(), System.nanoTime());
      sent.incrementAndGet();
      if (response.statusCode() / 100 != 2) {
        failed.incrementAndGet();
        LOG.debug("webhook delivery {} answered {}", delivery.id(), response.statusCode());
      }
    } catch (IOException e) {
      failed.incrementAndGet();
      LOG.debug("webhook delivery {} failed: {}", delivery.id(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] mac(SecretKeySpec key, byte[] body) {
    try {
      Mac mac = Mac.getInstance(key.getAlgorithm());
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(key.getAlgorithm() + " unavailable", e);
    }
  }

  /** Stops sending; deliveries not yet sent are dropped. Idempotent. */
  @Override
  public void close() {
    url = null;
    timer.shutdownNow();
    sender.shutdownNow();
    HttpClient client = http;
    if (client != null) {
      client.close();
    }
  }
}
