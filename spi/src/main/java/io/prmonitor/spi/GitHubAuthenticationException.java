package io.prmonitor.spi;

/** GitHub rejected the credentials (401), or an app token could not be obtained. Never retried. */
public class GitHubAuthenticationException extends GitHubException {

  public GitHubAuthenticationException(String message, int status) {
    super(message, status);
  }
}
