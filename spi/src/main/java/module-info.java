/**
 * The plug-in contracts of prmonitor: {@link io.prmonitor.spi.GitHubClient},
 * {@link io.prmonitor.spi.PullRequestStore}, {@link io.prmonitor.spi.ChangeListener}, their providers, value
 * types and exceptions. Depends on the JDK only.
 */
// The API boundary of prmonitor's modules: each module exports its API packages only, and every package
// not named in an "exports" line is internal, unreachable from other modules on the module path. A new
// internal package needs no line here; a new API package needs an "exports" line and a README note
// (section Modules). The jar keeps working on the class path, where the boundary is not enforced.
module io.prmonitor.spi {
  exports io.prmonitor.spi;
}
