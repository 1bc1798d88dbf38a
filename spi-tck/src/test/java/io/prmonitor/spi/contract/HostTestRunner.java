package io.prmonitor.spi.contract;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * What a build tool does with a host's tests, in a JVM of its own: runs the named test classes with the JUnit
 * Platform launcher and prints one {@code RESULT} line per class and one {@code FAILED} line per failed test.
 */
public final class HostTestRunner {

  private HostTestRunner() {
  }

  /**
   * Runs each named class.
   *
   * @param args fully qualified names of test classes
   */
  public static void main(String[] args) {
    Launcher launcher = LauncherFactory.create();
    for (String className : args) {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(selectClass(className)).build();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(request, listener);
      TestExecutionSummary summary = listener.getSummary();
      System.out.println("RESULT " + className + " found=" + summary.getTestsFoundCount()
          + " succeeded=" + summary.getTestsSucceededCount() + " failed=" + summary.getTestsFailedCount()
          + " skipped=" + (summary.getTestsSkippedCount() + summary.getTestsAbortedCount()));
      for (TestExecutionSummary.Failure failure : summary.getFailures()) {
        System.out.println("FAILED " + className + " " + failure.getTestIdentifier().getDisplayName()
            + " " + failure.getException().toString().replace('\n', ' '));
      }
    }
  }
}
