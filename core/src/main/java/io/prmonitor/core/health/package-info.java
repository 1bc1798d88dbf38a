/**
 * Internal to module io.prmonitor.core (not exported): how a monitor works out its {@link io.prmonitor.Health}
 * from the store, GitHub's rate limits and the last pass.
 */
package io.prmonitor.core.health;
