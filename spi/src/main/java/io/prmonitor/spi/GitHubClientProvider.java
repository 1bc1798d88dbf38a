package io.prmonitor.spi;

/**
 * Creates {@link GitHubClient}s; found with {@link java.util.ServiceLoader}. Register an implementation
 * in {@code META-INF/services/io.prmonitor.spi.GitHubClientProvider}. It needs a public no-argument
 * constructor and should do no work until {@link #create} is called.
 */
public interface GitHubClientProvider {

  /** The name a configuration selects this provider by, such as {@code http}. */
  String name();

  /** Creates a client; the caller closes it. */
  GitHubClient create(GitHubClientSettings settings);
}
