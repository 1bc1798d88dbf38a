package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.repository;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.time.Instant;

/**
 * What the tests of one area of {@link PullRequestStoreContract} share: the store under test and the
 * repositories, instant and text they use.
 */
interface StoreContractArea {

  RepositoryId REPO = repository("alpha");
  RepositoryId OTHER = repository("beta");
  Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  /** Text no store may refuse or change: every character JSON can carry, including those it only escapes. */
  String HOSTILE = "nul\u0000 ctl\u0001\u001f\u007f lone\ud800 low\udc00 end\ud83d"
      + " escape\ufdd0\ufdd0 nonchar\uffff\ufffe bom\ufeff zwj\ud83d\udc69\u200d\ud83d\udcbb rtl\u202e"
      + "\u05e9 plane2\ud840\udc00 plane16\udbff\udffd lf\n crlf\r\n";

  /** The store under test: fresh and empty at the start of each test, closed after it. */
  PullRequestStore store();

  /** Whether the store implements this SPI method itself instead of keeping the SPI's default. */
  default boolean overrides(String method, Class<?>... parameters) {
    try {
      return store().getClass().getMethod(method, parameters).getDeclaringClass() != PullRequestStore.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError("PullRequestStore." + method + " is missing", e);
    }
  }
}
