/**
 * The contract kit of prmonitor's store SPI: abstract JUnit 5 suites ({@code PullRequestStoreContract},
 * {@code RepositoryLeasesContract}, {@code WebhookDeliveriesContract}) that a store's tests extend, with the
 * fixtures they use, and a fake clock for tests ({@code io.prmonitor.spi.testing.MutableClock}).
 */
// The API boundary of prmonitor's modules: each module exports its API packages only, and every package
// not named in an "exports" line is internal, unreachable from other modules on the module path. A new
// internal package needs no line here; a new API package needs an "exports" line and a README note
// (section Modules). The jar keeps working on the class path, where the boundary is not enforced.
module io.prmonitor.spi.contract {
  // a store's test extends the suites and calls the SPI and JUnit and AssertJ through them
  requires transitive io.prmonitor.spi;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports io.prmonitor.spi.contract;
  // the fake clock the suites' users and prmonitor's own tests share
  exports io.prmonitor.spi.testing;
  // JUnit runs the suites' package-private test methods and fields (@TempDir) reflectively
  opens io.prmonitor.spi.contract to org.junit.platform.commons;
}
