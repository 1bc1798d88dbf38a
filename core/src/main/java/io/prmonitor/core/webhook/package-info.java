/**
 * Internal to module io.prmonitor.core (not exported): the webhook receiver, which verifies, deduplicates and
 * turns GitHub's deliveries into targeted reads.
 */
package io.prmonitor.core.webhook;
