/**
 * prmonitor's API for a host: {@link io.prmonitor.PRMonitor} (built with its builder, run once or on a
 * schedule), its configuration {@link io.prmonitor.ProcessorConfig}, and what it reports (run reports,
 * health, webhook answers). The only package module {@code io.prmonitor.core} exports; the processor behind
 * it lives in the unexported {@code io.prmonitor.core.*} packages.
 */
package io.prmonitor;
