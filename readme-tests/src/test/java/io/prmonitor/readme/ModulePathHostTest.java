package io.prmonitor.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.simulator.GitHubSimulator;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module boundary of the library jars, seen by a host on the module path: the jars README "Use it as a library"
 * tells a host to add (this module's runtime dependencies, {@code target/host-classpath.txt}) put on a host's
 * module path. A host that imports any public type of a package its module does not export fails to compile,
 * although the same source compiles on the class path; a host that uses the API only compiles, and its one pass
 * against the GitHub simulator finds the GitHub client and the store through {@code provides}/{@code uses}.
 */
class ModulePathHostTest {

  /** The API of each library module: the packages it exports, to every module (no qualified exports). */
  private static final Map<String, Set<String>> EXPORTS = Map.of(
      "io.prmonitor.spi", Set.of("io.prmonitor.spi"),
      "io.prmonitor.core", Set.of("io.prmonitor"),
      "io.prmonitor.github", Set.of("io.prmonitor.github"),
      "io.prmonitor.jdbc", Set.of("io.prmonitor.jdbc"));

  private static final String HOST_MODULE = """
      module example.host {
        requires io.prmonitor.core;
        requires io.prmonitor.github;
        requires io.prmonitor.jdbc;
        uses io.prmonitor.spi.GitHubClientProvider;
        uses io.prmonitor.spi.PullRequestStoreProvider;
      }
      """;

  private static List<Path> modulePath;

  @TempDir
  static Path scratch;

  @BeforeAll
  static void readHostDependencies() throws IOException {
    modulePath = Stream.of(Files.readString(Path.of("target/host-classpath.txt")).strip().split(File.pathSeparator))
        .map(Path::of).toList();
  }

  @Test
  void libraryModules_exportTheirApiPackagesOnly_toEveryModule() {
    Map<String, Set<String>> exports = new TreeMap<>();
    for (String module : EXPORTS.keySet()) {
      ModuleDescriptor descriptor = descriptor(module);
      assertThat(descriptor.isAutomatic()).as(module + " has a module-info.class").isFalse();
      assertThat(descriptor.exports()).as(module + ": no qualified export")
          .noneMatch(ModuleDescriptor.Exports::isQualified);
      exports.put(module, descriptor.exports().stream().map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toSet()));
    }
    assertThat(exports).isEqualTo(EXPORTS);
    assertThat(descriptor("io.prmonitor.github").provides()).extracting(ModuleDescriptor.Provides::service)
        .containsExactly("io.prmonitor.spi.GitHubClientProvider");
    assertThat(descriptor("io.prmonitor.jdbc").provides()).extracting(ModuleDescriptor.Provides::service)
        .containsExactly("io.prmonitor.spi.PullRequestStoreProvider");
    assertThat(descriptor("io.prmonitor.core").uses()).containsExactlyInAnyOrder(
        "io.prmonitor.spi.GitHubClientProvider", "io.prmonitor.spi.PullRequestStoreProvider");
  }

  @Test
  void hostDependencies_holdNoTestLibrary_andNoDatabaseDriverTheHostDidNotChoose() {
    List<String> jars = modulePath.stream().map(path -> path.getFileName().toString()).toList();
    assertThat(jars).as("what core, github-client and jdbc-store bring to a host's runtime path, besides H2, "
        + "which the README's host adds").noneMatch(jar -> jar.matches(
            "(junit|assertj|opentest4j|apiguardian|awaitility|slf4j-simple|prmonitor-spi-tck|prmonitor-github-simulator"
                + "|postgresql)[-.].*"))
        .anyMatch(jar -> jar.startsWith("h2-")).anyMatch(jar -> jar.startsWith("prmonitor-jdbc-store-"));
  }

  @Test
  void hostImportingAnInternalType_compilesOnTheClassPath_butNotOnTheModulePath() throws Exception {
    List<String> internalTypes = publicTypesOfInternalPackages();
    assertThat(internalTypes).as("the internal packages hold public types (used across their module's packages)")
        .isNotEmpty();
    StringBuilder source = new StringBuilder("package example.host;\n");
    for (String type : internalTypes) {
      source.append("import ").append(type).append(";\n");
    }
    int firstImportLine = 2;
    source.append("public class InternalUser {\n}\n");

    Path classPathHost = write("internal-classpath", Map.of("example/host/InternalUser.java", source.toString()));
    assertThat(compile(classPathHost, List.of("-classpath", joined(modulePath)))).as("on the class path").isEmpty();

    Path moduleHost = write("internal-modulepath", Map.of("module-info.java", HOST_MODULE,
        "example/host/InternalUser.java", source.toString()));
    List<Diagnostic<? extends JavaFileObject>> errors = compile(moduleHost, List.of("--module-path",
        joined(modulePath)));
    for (int i = 0; i < internalTypes.size(); i++) {
      String type = internalTypes.get(i);
      String pkg = type.substring(0, type.lastIndexOf('.'));
      long line = firstImportLine + i;
      assertThat(errors).as("import %s (line %d)", type, line).anySatisfy(error -> {
        assertThat(error.getLineNumber()).isEqualTo(line);
        assertThat(error.getMessage(Locale.ROOT)).contains("package " + pkg + " is not visible", "does not export it");
      });
    }
  }

  @Test
  void hostUsingTheApiOnly_runsAPassOnTheModulePath_withThePlugInsFoundThroughProvidesAndUses() throws Exception {
    Path host = write("api-host", Map.of("module-info.java", HOST_MODULE, "example/host/ApiHost.java", """
        package example.host;

        import io.prmonitor.PRMonitor;
        import io.prmonitor.ProcessorConfig;
        import io.prmonitor.spi.GitHubClientProvider;
        import io.prmonitor.spi.PullRequestStoreProvider;
        import java.util.ServiceLoader;

        public class ApiHost {
          public static void main(String[] args) {
            System.out.println("core in module " + PRMonitor.class.getModule().getName());
            ServiceLoader.load(GitHubClientProvider.class).forEach(p ->
                System.out.println("client " + p.name() + " in module " + p.getClass().getModule().getName()));
            ServiceLoader.load(PullRequestStoreProvider.class).forEach(p ->
                System.out.println("store " + p.name() + " in module " + p.getClass().getModule().getName()));
            ProcessorConfig config = ProcessorConfig.builder().repositories(args[1]).githubBaseUrl(args[0]).build();
            try (PRMonitor monitor = PRMonitor.builder().config(config).build()) {
              System.out.println(monitor.run().toJson());
            }
          }
        }
        """));
    assertThat(compile(host, List.of("--module-path", joined(modulePath)))).isEmpty();

    try (GitHubSimulator simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(5)
        .start()) {
      List<Path> runPath = new ArrayList<>(List.of(host.resolve("classes")));
      runPath.addAll(modulePath);
      Path output = host.resolve("output.txt");
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "--module-path", joined(runPath), "--module", "example.host/example.host.ApiHost",
          simulator.baseUrl().toString(), simulator.repositories().get(0).fullName())
          .directory(host.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      boolean ended = process.waitFor(60, TimeUnit.SECONDS);
      String printed = Files.readString(output);
      assertThat(ended).as(printed).isTrue();
      assertThat(process.exitValue()).as(printed).isZero();
      assertThat(printed).contains("core in module io.prmonitor.core", "client http in module io.prmonitor.github",
          "store jdbc in module io.prmonitor.jdbc", "\"repositories\":1,\"done\":1");
    }
  }

  private static ModuleDescriptor descriptor(String module) {
    return ModuleFinder.of(modulePath.toArray(Path[]::new)).find(module).orElseThrow().descriptor();
  }

  /** Every public top-level type in a package that its library module does not export, sorted. */
  private static List<String> publicTypesOfInternalPackages() throws IOException, ClassNotFoundException {
    Set<String> types = new TreeSet<>();
    for (String module : EXPORTS.keySet()) {
      ModuleReference reference = ModuleFinder.of(modulePath.toArray(Path[]::new)).find(module).orElseThrow();
      Set<String> internal = new TreeSet<>(reference.descriptor().packages());
      internal.removeAll(EXPORTS.get(module));
      try (ModuleReader reader = reference.open(); Stream<String> entries = reader.list()) {
        for (String entry : entries.filter(e -> e.endsWith(".class") && !e.contains("$")).toList()) {
          String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
          if (internal.contains(name.substring(0, Math.max(0, name.lastIndexOf('.'))))
              && Modifier.isPublic(Class.forName(name, false, ModulePathHostTest.class.getClassLoader())
                  .getModifiers())) {
            types.add(name);
          }
        }
      }
    }
    return List.copyOf(types);
  }

  private static Path write(String host, Map<String, String> sources) throws IOException {
    Path directory = scratch.resolve(host);
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = directory.resolve("src").resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
    }
    return directory;
  }

  /** Compiles the host's sources ({@code src/}) into {@code classes/} of the host's directory; returns the errors. */
  private static List<Diagnostic<? extends JavaFileObject>> compile(Path host, List<String> pathOptions)
      throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options = new ArrayList<>(List.of("--release", "21", "-proc:none", "-d",
        host.resolve("classes").toString()));
    options.addAll(pathOptions);
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        Stream<Path> tree = Files.walk(host.resolve("src"))) {
      // not this JVM's class path, which holds the library too: only what pathOptions name
      files.setLocation(StandardLocation.CLASS_PATH, List.of());
      List<Path> sources = tree.filter(p -> p.toString().endsWith(".java")).toList();
      compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
    }
    return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .collect(Collectors.toList());
  }

  private static String joined(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }
}
