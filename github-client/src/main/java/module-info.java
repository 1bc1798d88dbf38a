/**
 * prmonitor's GitHub client on the JDK HttpClient: {@link io.prmonitor.github.HttpGitHubClient} and its
 * provider, named {@code http}. Authentication, JSON reading and rate limiting live in unexported packages.
 */
// The API boundary of prmonitor's modules: each module exports its API packages only, and every package
// not named in an "exports" line is internal, unreachable from other modules on the module path. A new
// internal package (io.prmonitor.github.anything) needs no line here; a new API package needs an "exports"
// line and a README note (section Modules). The jar keeps working on the class path, where the boundary is
// not enforced (META-INF/services registers the provider there).
module io.prmonitor.github {
  requires transitive io.prmonitor.spi;
  requires java.net.http;
  requires com.fasterxml.jackson.core;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports io.prmonitor.github;

  provides io.prmonitor.spi.GitHubClientProvider with io.prmonitor.github.HttpGitHubClientProvider;
}
