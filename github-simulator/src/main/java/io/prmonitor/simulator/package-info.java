/**
 * A GitHub REST and GraphQL API on loopback for tests, benchmarks and the demo:
 * {@link io.prmonitor.simulator.GitHubSimulator}, started with its builder, and the types that configure its
 * content, latency and faults. The package module {@code io.prmonitor.simulator} exports.
 */
package io.prmonitor.simulator;
