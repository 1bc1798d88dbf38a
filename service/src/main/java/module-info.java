/**
 * prmonitor as a runnable service: the command line {@code io.prmonitor.service.PRMonitorCli}, its
 * configuration, the HTTP endpoint and JSON logs. An application, not a library: it exports nothing.
 */
// The API boundary of prmonitor's modules: each module exports its API packages only, and every package
// not named in an "exports" line is internal. The service exports none: it uses prmonitor only through the
// core's exported API (no qualified export of any prmonitor module is needed), and finds the GitHub client
// and the store as plug-ins, like any host. Its launcher (bin/prmonitor) runs it on the class path.
module io.prmonitor.service {
  requires io.prmonitor.core;
  requires com.fasterxml.jackson.core;
  requires info.picocli;
  requires ch.qos.logback.classic;
  requires ch.qos.logback.core;
  requires org.slf4j;
  requires micrometer.registry.prometheus;
  requires jdk.httpserver;
  // Signals reaches sun.misc.Signal reflectively, for SIGTERM and SIGINT handling
  requires jdk.unsupported;
}
