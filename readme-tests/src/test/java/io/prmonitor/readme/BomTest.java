package io.prmonitor.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code prmonitor-bom} has no parent (so that importing it manages prmonitor's artifacts and nothing else): this
 * checks what inheriting would give for free, that its version is the reactor's and that it manages every
 * published module (each module that builds a sources jar).
 */
class BomTest {

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT = Pattern.compile("(?s)</parent>.*?<artifactId>([^<]+)</artifactId>");
  private static final Pattern VERSION = Pattern.compile("(?s)<artifactId>prmonitor-(?:parent|bom)</artifactId>\\s*"
      + "<version>([^<]+)</version>");

  @Test
  void bom_hasTheReactorsVersion_andManagesEveryPublishedModule() throws IOException {
    String parent = Files.readString(Path.of("../pom.xml"));
    String bom = Files.readString(Path.of("../bom/pom.xml"));
    assertThat(version(bom)).isEqualTo(version(parent));

    List<String> published = new ArrayList<>();
    Matcher module = MODULE.matcher(parent);
    while (module.find()) {
      Path pom = Path.of("..", module.group(1), "pom.xml");
      String text = Files.readString(pom);
      Matcher artifact = ARTIFACT.matcher(text);
      if (text.contains("<parent>") && !text.contains("<maven.source.skip>true</maven.source.skip>") && artifact.find()) {
        published.add(artifact.group(1));
      }
    }
    assertThat(published).contains("prmonitor-spi", "prmonitor-spi-tck", "prmonitor-core",
        "prmonitor-github-client", "prmonitor-jdbc-store");
    for (String artifactId : published) {
      assertThat(bom).as("prmonitor-bom manages %s", artifactId)
          .contains("<artifactId>" + artifactId + "</artifactId>");
    }
  }

  @Test
  void bom_pinsItsPluginsAsTheParentDoes() throws IOException {
    String parent = Files.readString(Path.of("../pom.xml"));
    String bom = Files.readString(Path.of("../bom/pom.xml"));
    for (String plugin : List.of("maven-install-plugin", "maven-deploy-plugin", "maven-site-plugin")) {
      Matcher pinned = Pattern.compile("<" + plugin + "\\.version>([^<]+)<").matcher(parent);
      assertThat(pinned.find()).as(plugin).isTrue();
      assertThat(bom).as("prmonitor-bom pins %s as the parent does", plugin)
          .containsPattern("<artifactId>" + plugin + "</artifactId>\\s*<version>" + Pattern.quote(pinned.group(1))
              + "</version>");
    }
  }

  private static String version(String pom) {
    Matcher version = VERSION.matcher(pom);
    assertThat(version.find()).isTrue();
    return version.group(1);
  }
}
