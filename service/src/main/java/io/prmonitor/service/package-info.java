/**
 * prmonitor as a runnable service: the command line ({@link io.prmonitor.service.PRMonitorCli}), its
 * configuration from flags, {@code PRMONITOR_*} environment variables and a properties file, the HTTP
 * endpoint with {@code /health}, {@code /metrics}, the status page and {@code /api/status}, and JSON logs.
 * Everything here is the application's, not the library's: only {@code PRMonitorCli.main} is meant to be
 * called.
 */
package io.prmonitor.service;
