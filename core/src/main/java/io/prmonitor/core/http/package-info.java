/**
 * Internal to module io.prmonitor.core (not exported): the monitor's optional HTTP endpoint ({@code /health},
 * {@code /metrics}) on the JDK's HTTP server.
 */
package io.prmonitor.core.http;
