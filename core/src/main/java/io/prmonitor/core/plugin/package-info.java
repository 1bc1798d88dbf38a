/**
 * Internal to module io.prmonitor.core (not exported): the choice of a plug-in provider found with
 * {@link java.util.ServiceLoader} (module {@code uses} on the module path, {@code META-INF/services} on the
 * class path).
 */
package io.prmonitor.core.plugin;
