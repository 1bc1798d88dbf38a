package io.prmonitor.github.auth;

import java.io.IOException;
import java.util.Optional;

/**
 * Supplies the {@code Authorization} header of each request for one credential. Implementations are
 * thread-safe and never reveal the secret in {@code toString()}, logs or exception messages.
 */
public interface AuthorizationSource {

  /**
   * The header value, such as {@code Bearer <token>}; empty for anonymous access.
   *
   * @throws IOException if obtaining it failed in a way worth retrying (a connection failure)
   * @throws io.prmonitor.spi.GitHubAuthenticationException if the credentials were rejected
   * @throws InterruptedException if interrupted while obtaining it
   */
  Optional<String> header() throws IOException, InterruptedException;

  /** Forgets any cached token, after GitHub rejected it. */
  default void invalidate() {
  }

  /** A fixed header, or none. */
  static AuthorizationSource fixed(String headerOrNull) {
    Optional<String> header = Optional.ofNullable(headerOrNull);
    return new AuthorizationSource() {
      @Override
      public Optional<String> header() {
        return header;
      }

      @Override
      public String toString() {
        return header.isPresent() ? "AuthorizationSource[bearer]" : "AuthorizationSource[anonymous]";
      }
    };
  }
}
