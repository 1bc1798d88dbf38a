package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.github.HttpGitHubClient;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input through the whole stack, filling the gaps the configuration tests (core's ProcessorConfigTest,
 * the CLI's tests) leave: an unknown repository among good ones, a renamed repository, a rejected token,
 * repository names that would smuggle a path or query into a request, and plain-http look-alikes of
 * loopback hosts.
 */
class BadInputTest {

  private static final String TOKEN = "bad-input-token-0123456789";

  @TempDir
  Path directory;

  private GitHubSimulator simulator;
  private PRMonitor monitor;
  private final List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(3).pullRequestsPerRepository(120).seed(5L).tokens(TOKEN)
        .start();
  }

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.close();
    }
    simulator.close();
  }

  private ProcessorConfig.Builder config() {
    return ProcessorConfig.builder()
        .githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN)
        .jdbcUrl(new StoreTarget.H2(directory).jdbcUrl())
        .maxConcurrentRepositories(3);
  }

  @Test
  void unknownRepository_failsAlone_othersAreDone() {
    List<RepositoryId> repositories = new ArrayList<>(simulator.repositories());
    repositories.add(1, new RepositoryId("org-0", "no-such-repo"));
    monitor = PRMonitor.builder().config(config().repositories(repositories).build()).build();

    RunReport report = monitor.run();

    assertThat(report.failed()).containsOnlyKeys("org-0/no-such-repo");
    assertThat(report.failed().get("org-0/no-such-repo")).containsIgnoringCase("not found");
    assertThat(report.repositoriesDone()).isEqualTo(simulator.repositories().size());
    assertThat(simulator.stats().requests("GET /repos/{owner}/{repo}/pulls", 404)).as("never retried")
        .isEqualTo(1);
    for (RepositoryId repository : simulator.repositories()) {
      assertThat(monitor.store().allPullRequests(repository)).containsExactlyElementsOf(simulator.truth(repository));
    }
  }

  @Test
  void renamedRepository_isFollowed_andItsChangesStillArrive() {
    RepositoryId repository = simulator.repositories().get(0);
    monitor = PRMonitor.builder().config(config().repositories(repository).build()).listener(received::add)
        .build();
    monitor.run();
    simulator.renameRepository(repository, "renamed-repo");
    int number = simulator.truth(repository).get(0).number();
    simulator.editTitle(repository, number, "after the rename");

    RunReport report = monitor.run();

    assertThat(report.isComplete()).as(report.toJson()).isTrue();
    assertThat(simulator.stats().byEndpoint()).as("the old name answered 301")
        .containsKey("GET /repos/{owner}/{repo}/pulls 301");
    assertThat(received).singleElement().satisfies(change -> {
      assertThat(change.number()).isEqualTo(number);
      assertThat(change.kind()).isEqualTo(ChangeKind.EDITED);
    });
    assertThat(monitor.store().allPullRequests(repository)).containsExactlyElementsOf(simulator.truth(repository));
  }

  @Test
  void rejectedToken_failsFast_withAClearMessage_afterExactlyOneRequest() {
    monitor = PRMonitor.builder().config(config().repositories(simulator.repositories())
        .githubToken("wrong-token-0123456789").maxConcurrentRepositories(3).build()).build();

    assertThatThrownBy(monitor::run).isInstanceOf(GitHubAuthenticationException.class)
        .hasMessageContaining("401").hasMessageContaining("rejected")
        .hasMessageNotContaining("wrong-token-0123456789");
    assertThat(simulator.stats().requests()).as("requests sent with a rejected token").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"owner/name?per_page=1", "owner/name#x", "owner/..", "owner/%2e%2e", "own er/name",
      "owner/name/pulls", "../owner/name", "owner/name\n"})
  void repositoryName_thatWouldChangeTheRequestPath_isRefusedNamingIt(String name) {
    assertThatThrownBy(() -> ProcessorConfig.builder().repositories(name))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name.strip());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1.nip.io", "http://localhost.example.com", "http://0.0.0.0:8080",
      "http://10.0.0.1", "http://[::ffff:7f00:1]:80", "http://github.example.com/api/v3"})
  void plainHttpBaseUrl_toAHostThatIsNotLoopback_isRefusedBeforeAnyRequest(String url) {
    assertThatThrownBy(() -> PRMonitor.builder().config(ProcessorConfig.builder().githubBaseUrl(url)
            .githubToken(TOKEN).repositories("octo/one").jdbcUrl(new StoreTarget.H2(directory).jdbcUrl()).build())
        .build().close())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(url).hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> new HttpGitHubClient(GitHubClientSettings.builder().baseUrl(URI.create(url))
        .credentials(new GitHubCredentials.Token(TOKEN)).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://")
        .hasMessageNotContaining(TOKEN);
  }
}
