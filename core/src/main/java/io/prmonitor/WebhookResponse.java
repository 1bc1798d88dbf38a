package io.prmonitor;

import java.util.Objects;

/**
 * What a {@link WebhookReceiver} tells the host to answer GitHub.
 *
 * @param status the HTTP status: 200 (ping), 202 (accepted, duplicate or ignored), 400 (signed but unreadable),
 *     401 (signature missing or wrong), 413 (over GitHub's 25 MB cap), 415 (neither JSON nor form), 503 (the
 *     store could not record the delivery; GitHub may redeliver it)
 * @param message a short plain-text reason for the body of the answer; never holds a secret or the payload
 */
public record WebhookResponse(int status, String message) {

  public WebhookResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status: " + status);
    }
    Objects.requireNonNull(message, "null message");
  }
}
