import io.prmonitor.spi.GitHubClientProvider;
import io.prmonitor.spi.PullRequestStoreProvider;

/**
 * prmonitor's core: {@link io.prmonitor.PRMonitor}, {@link io.prmonitor.ProcessorConfig} and the types a
 * host sees (reports, health, webhooks). The processor behind them lives in the {@code io.prmonitor.core.*}
 * packages, which this module does not export.
 */
// The API boundary of prmonitor's modules: each module exports its API packages only, and every package
// not named in an "exports" line is internal, unreachable from other modules on the module path. A new
// internal package (io.prmonitor.core.anything) needs no line here; a new API package needs an "exports"
// line and a README note (section Modules). No qualified export ("exports ... to"): no other prmonitor
// module uses core's internals. The jar keeps working on the class path, where the boundary is not enforced.
module io.prmonitor.core {
  // in the API: the SPI's types everywhere, Micrometer's MeterRegistry in PRMonitor.Builder.meterRegistry
  requires transitive io.prmonitor.spi;
  requires transitive micrometer.core;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;
  requires jdk.httpserver;
  // optional: /metrics serves Prometheus text only if the host binds this registry (see PrometheusText)
  requires static micrometer.registry.prometheus;

  exports io.prmonitor;

  // the plug-ins, found on the module path by these declarations and on the class path by META-INF/services
  uses GitHubClientProvider;
  uses PullRequestStoreProvider;
}
