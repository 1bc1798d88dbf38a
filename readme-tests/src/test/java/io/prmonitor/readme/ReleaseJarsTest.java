package io.prmonitor.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The library jars the reactor built before this module (packaged by then): each carries the licence and a
 * module descriptor (module-info.class) of the name the README states. Needs the upstream modules packaged: run
 * with {@code verify} ({@code ./dev test}), not {@code test}.
 */
class ReleaseJarsTest {

  private static final Map<String, String> MODULE_NAMES = Map.of(
      "spi/target/prmonitor-spi", "io.prmonitor.spi",
      "core/target/prmonitor-core", "io.prmonitor.core",
      "github-client/target/prmonitor-github-client", "io.prmonitor.github",
      "jdbc-store/target/prmonitor-jdbc-store", "io.prmonitor.jdbc",
      "spi-tck/target/prmonitor-spi-tck", "io.prmonitor.spi.contract",
      "github-simulator/target/prmonitor-github-simulator", "io.prmonitor.simulator");

  @Test
  void libraryJars_carryTheLicenceAndTheirModuleDescriptor() throws IOException {
    String version = System.getProperty("project.version");
    String licence = Files.readString(Path.of("../LICENSE"));
    assertThat(licence).contains("Apache License", "Version 2.0, January 2004");
    for (Map.Entry<String, String> module : MODULE_NAMES.entrySet()) {
      Path jar = Path.of("..", module.getKey() + "-" + version + ".jar");
      try (JarFile file = new JarFile(jar.toFile())) {
        assertThat(ModuleFinder.of(jar).findAll()).as(jar.toString()).singleElement()
            .satisfies(found -> assertThat(found.descriptor().name()).isEqualTo(module.getValue()))
            .satisfies(found -> assertThat(found.descriptor().isAutomatic()).as("has a module-info.class").isFalse());
        assertThat(new String(file.getInputStream(file.getEntry("META-INF/LICENSE")).readAllBytes(),
            StandardCharsets.UTF_8)).as(jar.toString()).isEqualTo(licence);
      }
    }
  }
}
