package io.prmonitor.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The enrichment fidelity scenarios on an embedded H2 file database. */
class H2EnrichmentFidelityTest extends EnrichmentFidelityTest {

  @TempDir
  Path directory;

  @Override
  StoreTarget createTarget() {
    return new StoreTarget.H2(directory);
  }
}
