/**
 * Internal to module io.prmonitor.core (not exported): delivery of the changes waiting in the store's
 * outbox to the registered change listeners, in order per pull request, at least once.
 */
package io.prmonitor.core.delivery;
