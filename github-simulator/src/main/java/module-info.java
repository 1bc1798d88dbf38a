/**
 * A GitHub REST and GraphQL API on loopback, with state, ETags, rate limits, faults and latency, for tests,
 * benchmarks and the demo: {@link io.prmonitor.simulator.GitHubSimulator} and the types that configure it.
 */
// The API boundary of prmonitor's modules: each module exports its API packages only, and every package
// not named in an "exports" line is internal, unreachable from other modules on the module path. A new
// internal package (io.prmonitor.simulator.anything) needs no line here; a new API package needs an
// "exports" line and a README note (section Modules). The jar keeps working on the class path, where the
// boundary is not enforced.
module io.prmonitor.simulator {
  // in the API: RepositoryId and the other SPI values a test compares with what the monitor stored
  requires transitive io.prmonitor.spi;
  requires java.net.http;
  requires jdk.httpserver;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.graphqljava;
  requires org.slf4j;

  exports io.prmonitor.simulator;
}
