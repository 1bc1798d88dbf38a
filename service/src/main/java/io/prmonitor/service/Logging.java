package io.prmonitor.service;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Points logback at the configuration the options chose: {@code logback-text.xml} (lines) or
 * {@code logback-json.xml} (logback's own {@code JsonEncoder}), both on standard error, at the chosen level.
 * Standard output stays for the reports and changes.
 */
final class Logging {

  private Logging() {
  }

  static void configure(String format, String level) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      // another SLF4J backend on the class path (embedding): leave its configuration alone
      return;
    }
    URL config = Logging.class.getResource("logback-" + format + ".xml");
    if (config == null) {
      throw new IllegalStateException("the service jar lacks logback-" + format + ".xml");
    }
    context.reset();
    context.putProperty("prmonitor.logLevel", level);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging from " + config, e);
    }
  }
}
