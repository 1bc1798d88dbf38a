package io.prmonitor.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.RepositoryId;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /repos/{owner}/{repo}/pulls: filters, GitHub's sort defaults, page sizes and the exact Link header. */
class PullListTest {

  static GitHubSimulator sim;
  static RepositoryId repo;
  static String path;

  @BeforeAll
  static void start() {
    sim = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(250).seed(7).start();
    repo = sim.repositories().get(1);
    path = "/repos/" + repo.fullName() + "/pulls";
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static List<Integer> numbers(HttpResponse<byte[]> response) {
    List<Integer> numbers = new ArrayList<>();
    Http.json(response).forEach(item -> numbers.add(item.get("number").asInt()));
    return numbers;
  }

  @Test
  void defaults_openOnlyNewestCreatedFirstThirtyPerPage() {
    List<Integer> expected = sim.truth(repo).stream().filter(PullRequest::isOpen)
        .sorted(Comparator.comparing(PullRequest::createdAt).reversed()).limit(30).map(PullRequest::number).toList();

    assertThat(numbers(Http.get(sim, path))).containsExactlyElementsOf(expected);
  }

  @Test
  void sortUpdated_defaultsToAscending() {
    List<Integer> expected = sim.truth(repo).stream()
        .sorted(Comparator.comparing(PullRequest::updatedAt)).limit(30).map(PullRequest::number).toList();

    assertThat(numbers(Http.get(sim, path + "?state=all&sort=updated"))).containsExactlyElementsOf(expected);
  }

  @Test
  void sortUpdatedDesc_walksEveryPullRequestOnceAcrossPages() {
    List<Integer> seen = new ArrayList<>();
    for (int page = 1; page <= 3; page++) {
      seen.addAll(numbers(Http.get(sim, path + "?state=all&sort=updated&direction=desc&per_page=100&page=" + page)));
    }
    List<Integer> expected = sim.truth(repo).stream().sorted(Comparator.comparing(PullRequest::updatedAt).reversed())
        .map(PullRequest::number).toList();

    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void stateClosed_includesMergedAndExcludesOpen() {
    JsonNode items = Http.json(Http.get(sim, path + "?state=closed&per_page=100"));

    assertThat(items).isNotEmpty().allSatisfy(item -> assertThat(item.get("state").asText()).isEqualTo("closed"));
    assertThat(items).anySatisfy(item -> assertThat(item.get("merged_at").isNull()).isFalse());
    assertThat(items).anySatisfy(item -> assertThat(item.get("merged_at").isNull()).isTrue());
  }

  @Test
  void perPage_isClampedToOneHundred() {
    assertThat(Http.json(Http.get(sim, path + "?state=all&per_page=500"))).hasSize(100);
  }

  @Test
  void pageBeyondTheEnd_isAnEmptyArray() {
    HttpResponse<byte[]> response = Http.get(sim, path + "?state=all&per_page=100&page=9");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.json(response)).isEmpty();
  }

  @Test
  void link_onFirstPage_hasNextAndLastInGitHubsFormat() {
    HttpResponse<byte[]> response = Http.get(sim, path + "?state=all&sort=updated&direction=desc&per_page=100");
    String base = sim.baseUrl() + path + "?state=all&sort=updated&direction=desc&per_page=100&page=";

    assertThat(Http.header(response, "Link"))
        .isEqualTo("<" + base + "2>; rel=\"next\", <" + base + "3>; rel=\"last\"");
  }

  @Test
  void link_onMiddlePage_hasPrevNextLastFirst() {
    HttpResponse<byte[]> response = Http.get(sim, path + "?state=all&page=2&per_page=100");
    String base = sim.baseUrl() + path + "?state=all&per_page=100&page=";

    assertThat(Http.header(response, "Link")).isEqualTo("<" + base + "1>; rel=\"prev\", <" + base
        + "3>; rel=\"next\", <" + base + "3>; rel=\"last\", <" + base + "1>; rel=\"first\"");
  }

  @Test
  void link_onLastPage_hasOnlyPrevAndFirst() {
    HttpResponse<byte[]> response = Http.get(sim, path + "?state=all&per_page=100&page=3");
    String base = sim.baseUrl() + path + "?state=all&per_page=100&page=";

    assertThat(Http.header(response, "Link"))
        .isEqualTo("<" + base + "2>; rel=\"prev\", <" + base + "1>; rel=\"first\"");
  }

  @Test
  void link_isAbsentWhenEverythingFitsOnePage() {
    assertThat(Http.get(sim, path + "?state=open&per_page=100").headers().firstValue("Link")).isEmpty();
  }

  @Test
  void invalidState_answers422ValidationFailed() {
    HttpResponse<byte[]> response = Http.get(sim, path + "?state=bogus");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(Http.json(response).get("message").asText()).isEqualTo("Validation Failed");
  }

  @Test
  void repositoryIdLinks_pointAtRepositoriesUrlsThatAreServed() {
    try (GitHubSimulator idSim = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(120)
        .repositoryIdLinks(true).start()) {
      RepositoryId r = idSim.repositories().get(0);
      HttpResponse<byte[]> first = Http.get(idSim, "/repos/" + r.fullName() + "/pulls?state=all&per_page=100");
      String link = Http.header(first, "Link");
      String next = link.substring(1, link.indexOf('>'));

      assertThat(next).matches(java.util.regex.Pattern.quote(idSim.baseUrl() + "/repositories/")
          + "\\d+/pulls\\?state=all&per_page=100&page=2");
      HttpResponse<byte[]> second = Http.getUrl(next);
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(Http.json(second)).hasSize(20);
    }
  }
}
