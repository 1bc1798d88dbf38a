package io.prmonitor.github.http;

import io.prmonitor.github.auth.CredentialRejection;
import io.prmonitor.github.ratelimit.ServerTimePacer;
import io.prmonitor.github.ratelimit.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * One request from its admission past the {@code 401} hold-back and the pacers until its body was read.
 *
 * <p>{@link #send} bounds the whole exchange by the request timeout: the JDK's timeout ends when the
 * headers arrive, so the body gets a deadline at the same instant (a body that stalls or trickles fails as
 * an {@link java.net.http.HttpTimeoutException}). The pacers are charged the time until the headers
 * arrived: GitHub's work for an answer is done when its headers leave (the ETag in them digests the whole
 * body), and the transfer, our parsing and this thread's wait to be scheduled again are not GitHub's time.
 * {@link #settle()} then tells the hold-back whether the credential was answered, and {@link #report()}
 * tells the listener. Confined to the thread that sends.
 */
public final class Exchange {

  private final GitHubConnection connection;
  private final String method;
  private final String endpoint;
  private final List<ServerTimePacer> pacers;
  private final boolean probe;
  private final Ticker ticker;
  private final long start;
  private final long deadline;
  private boolean answered;
  private int status;
  private boolean paced;
  private BatchedBodyStream body;
  private MeteredInputStream wire;
  private Duration elapsed = Duration.ZERO;

  private Exchange(GitHubConnection connection, String method, String endpoint, List<ServerTimePacer> pacers,
      boolean probe) {
    this.connection = connection;
    this.method = method;
    this.endpoint = endpoint;
    this.pacers = pacers;
    this.probe = probe;
    this.ticker = connection.ticker();
    this.start = ticker.nanoTime();
    this.deadline = System.nanoTime() + connection.settings().requestTimeout().toNanos();
  }

  static Exchange begin(GitHubConnection connection, String method, String endpoint, List<ServerTimePacer> pacers)
      throws InterruptedException {
    CredentialRejection rejection = connection.rejection();
    boolean probe = false;
    int acquired = 0;
    try {
      probe = connection.isFixedToken() && rejection.admit(connection.settings().requestTimeout().toNanos());
      for (ServerTimePacer pacer : pacers) {
        pacer.acquire();
        acquired++;
      }
    } catch (InterruptedException | RuntimeException e) {
      for (int i = 0; i < acquired; i++) {
        pacers.get(i).cancel();
      }
      // a probe that is never sent must say so, or the token's requests would wait for its answer
      if (probe) {
        rejection.unanswered();
      }
      throw e;
    }
    return new Exchange(connection, method, endpoint, pacers, probe);
  }

  /** Sends the request and waits for the headers; the body is then read through {@link #body}. */
  public HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<InputStream> response = connection.http().send(request, BatchedBodyStream.handler(ticker::nanoTime));
    answered = true;
    if (!pacers.isEmpty()) {
      long headersAt = response.body() instanceof BatchedBodyStream batched
          ? Math.min(batched.headersAtNanos(), ticker.nanoTime()) : ticker.nanoTime();
      Duration serverTime = Duration.ofNanos(headersAt - start);
      for (ServerTimePacer pacer : pacers) {
        pacer.release(serverTime);
      }
      paced = true;
    }
    status = response.statusCode();
    return response;
  }

  /**
   * The response's body as it arrives on the wire, bounded by the request's deadline and counted for the
   * listener. The caller closes it.
   */
  public MeteredInputStream body(HttpResponse<InputStream> response) {
    InputStream raw = response.body();
    if (raw instanceof BatchedBodyStream batched) {
      body = batched;
      // the request timeout of the JDK ends at the headers; the body must arrive by the same deadline
      batched.deadline(deadline);
    }
    wire = new MeteredInputStream(raw, Long.MAX_VALUE);
    return wire;
  }

  /** Whether the server answered (headers arrived). */
  public boolean answered() {
    return answered;
  }

  /** The answer's status; 0 before an answer. */
  public int status() {
    return status;
  }

  /**
   * Ends the exchange: charges the pacers that were not charged at the headers, and tells the hold-back
   * after a {@code 401} whether the credential was answered. Call once, in a {@code finally}.
   */
  public void settle() {
    long end = ticker.nanoTime();
    if (body != null && body.completedAtNanos() >= 0) {
      end = Math.min(end, body.completedAtNanos());
    }
    elapsed = Duration.ofNanos(end - start);
    if (!paced) {
      for (ServerTimePacer pacer : pacers) {
        pacer.release(elapsed);
      }
    }
    CredentialRejection rejection = connection.rejection();
    if (probe && !answered) {
      rejection.unanswered();
    } else if (answered && status != 401) {
      rejection.answered();
    }
  }

  /** Reports the settled exchange to the listener. */
  public void report() {
    connection.listener().onResponse(endpoint, status, answered && status != 304, elapsed,
        wire == null ? 0 : wire.count());
  }

  @Override
  public String toString() {
    return method + " " + endpoint;
  }
}
