package io.prmonitor.github;

import io.prmonitor.spi.GitHubClient;
import io.prmonitor.spi.GitHubClientProvider;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import java.util.Objects;

/**
 * The {@link GitHubClientProvider} named {@value #NAME}: creates {@link HttpGitHubClient}s (a
 * {@link PooledGitHubClient} of them for {@link GitHubCredentials.Pool} credentials). Found by
 * {@link java.util.ServiceLoader}; stateless and thread-safe.
 */
public final class HttpGitHubClientProvider implements GitHubClientProvider {

  /** The name a configuration selects this provider by. */
  public static final String NAME = "http";

  /** For {@link java.util.ServiceLoader}; does no work. */
  public HttpGitHubClientProvider() {
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GitHubClient create(GitHubClientSettings settings) {
    Objects.requireNonNull(settings, "null settings");
    if (settings.credentials() instanceof GitHubCredentials.Pool) {
      return new PooledGitHubClient(settings);
    }
    return new HttpGitHubClient(settings);
  }
}
