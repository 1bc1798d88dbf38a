/**
 * Internal to module io.prmonitor.core (not exported): the monitor's Micrometer meters, all named
 * {@code prmonitor.*} and tagged {@code monitor=<name>}, and the store wrapper that times its calls.
 */
package io.prmonitor.core.metrics;
