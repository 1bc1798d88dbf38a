/**
 * Internal to module io.prmonitor.core (not exported): several monitors sharing one fleet of repositories
 * through leases in the store: the {@link io.prmonitor.core.lease.LeasedRepositoryQueue} claims due
 * repositories oldest first, keeps their leases alive while it works on them and releases them when done,
 * and the {@link io.prmonitor.core.lease.FleetRateLimits} let every monitor's GitHub client see what the
 * whole fleet has spent of the credentials it shares.
 */
package io.prmonitor.core.lease;
