/**
 * The contract suites of the store SPI, as abstract JUnit 5 classes a store's tests extend
 * ({@link io.prmonitor.spi.contract.PullRequestStoreContract} and the suites of the optional capabilities),
 * with {@link io.prmonitor.spi.contract.ForwardingPullRequestStore} for wrappers. The package module
 * {@code io.prmonitor.spi.contract} exports.
 */
package io.prmonitor.spi.contract;
