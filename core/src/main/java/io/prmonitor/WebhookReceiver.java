package io.prmonitor;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Receives GitHub webhook deliveries for a {@link PRMonitor} and turns each into a prompt to re-read GitHub,
 * never into state: a delivery is a hint that a repository changed, and the store only ever takes what a
 * re-read lists.
 *
 * <p>Use it from any HTTP server (Servlet, Spring, Javalin...): hand it the request's headers and its raw body
 * and answer with the returned status. {@link PRMonitor.Builder#httpEndpoint} also serves it as
 * {@code POST /webhooks}.
 *
 * <pre>{@code
 * WebhookReceiver receiver = monitor.webhookReceiver().orElseThrow();
 * // in a Servlet: doPost(request, response)
 * WebhookResponse answer = receiver.receive(request::getHeader, request.getInputStream());
 * response.setStatus(answer.status());
 * }</pre>
 *
 * <p>Each delivery is checked in this order, and the first failing check decides the answer: its size (at
 * most {@link #MAX_PAYLOAD_BYTES}, GitHub's cap, else 413, read no further); its {@code X-Hub-Signature-256}
 * (the HMAC-SHA256 of the raw body under one of the configured secrets, compared in constant time, else 401
 * and nothing else happens); the {@code X-GitHub-Event} and {@code X-GitHub-Delivery} headers (else 400).
 * A {@code ping} is answered 200. An event the monitor does not act on, or about a repository it does not
 * watch, is answered 202 and ignored. Otherwise the delivery id is recorded in the store (a delivery recorded
 * before, redelivered or replayed, is answered 202 and ignored; a store that cannot record it makes the
 * answer 503) and a re-read of the repository is scheduled: the answer does not wait for it.
 *
 * <p>Thread-safe; calls take milliseconds (one store write).
 */
public interface WebhookReceiver {

  /** GitHub's cap on a webhook payload: it sends nothing larger; larger bodies are refused with 413. */
  int MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

  /**
   * Receives one delivery.
   *
   * @param header looks a request header up by name, case-insensitively, answering null when absent (a
   *     Servlet's {@code request::getHeader} does)
   * @param body the raw request body, read here up to {@link #MAX_PAYLOAD_BYTES} + 1 bytes; not closed
   * @return what to answer GitHub
   */
  WebhookResponse receive(Function<String, String> header, InputStream body);

  /**
   * Receives one delivery whose body the host has already read.
   *
   * @param headers the request headers; names are matched case-insensitively, the first value counts
   * @param body the raw request body, exactly as received
   */
  default WebhookResponse receive(Map<String, List<String>> headers, byte[] body) {
    Map<String, String> first = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> {
      if (name != null && values != null && !values.isEmpty()) {
        first.putIfAbsent(name.toLowerCase(Locale.ROOT), values.get(0));
      }
    });
    return receive(first::get, new ByteArrayInputStream(body));
  }
}
