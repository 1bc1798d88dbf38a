package io.prmonitor.simulator;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.ReviewState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data fetchers of {@link GraphQlSchemaSubset}'s {@code Query}, {@code Repository} and {@code PullRequest}
 * over the world: what each field answers, read under the world's read lock the endpoint holds while a query
 * executes. An unknown repository or pull request is null with a {@code NOT_FOUND} error, as GitHub answers.
 *
 * <p>Concessions: a pull request's {@code commits} connection holds its head commit only; {@code comments}
 * nodes are generated (the world keeps their count only). Thread-safe (stateless over the world).
 */
final class GraphQlFetchers {

  /** A pull request being read, with the instant of the query (for mergeability). */
  private record PullView(SimRepository repo, SimPullRequest pr, Instant now) {}

  private final World world;

  GraphQlFetchers(World world) {
    this.world = world;
  }

  /**
   * Wires the fields of {@code Query}, {@code Repository} and {@code PullRequest}; the query's context holds
   * {@code rateLimit} (what {@code rateLimit} answers) and {@code now} (the instant of the query).
   */
  void wire(RuntimeWiring.Builder wiring) {
    wiring
        .type("Query", t -> t
            .dataFetcher("rateLimit", env -> env.getGraphQlContext().get("rateLimit"))
            .dataFetcher("repository", this::repository))
        .type("Repository", t -> t
            .dataFetcher("id", env -> Templates.nodeId("R_", repo(env).id))
            .dataFetcher("name", env -> repo(env).repositoryId.name())
            .dataFetcher("nameWithOwner", env -> repo(env).repositoryId.fullName())
            .dataFetcher("pullRequest", this::pullRequest)
            .dataFetcher("object", GraphQlFetchers::object))
        .type("PullRequest", t -> t
            .dataFetcher("id", env -> Templates.nodeId("PR_", pr(env).id))
            .dataFetcher("number", env -> pr(env).number)
            .dataFetcher("state", env -> pr(env).state.name())
            .dataFetcher("isDraft", env -> pr(env).draft)
            .dataFetcher("updatedAt", env -> pr(env).updatedAt.toString())
            .dataFetcher("headRefOid", env -> pr(env).headSha)
            .dataFetcher("headRefName", env -> pr(env).headRef)
            .dataFetcher("mergeable", env -> Activity.mergeable(pr(env), env.<PullView>getSource().now()).name())
            .dataFetcher("reviewDecision", env -> Activity.decision(pr(env)).name())
            .dataFetcher("totalCommentsCount", env -> pr(env).comments + pr(env).reviewComments)
            .dataFetcher("comments", this::comments)
            .dataFetcher("commits", GraphQlFetchers::commits)
            .dataFetcher("latestReviews", env -> reviews(env, true))
            .dataFetcher("reviews", env -> reviews(env, false)));
  }

  private static SimRepository repo(DataFetchingEnvironment env) {
    return env.getSource();
  }

  private static SimPullRequest pr(DataFetchingEnvironment env) {
    return env.<PullView>getSource().pr();
  }

  private Object repository(DataFetchingEnvironment env) {
    String owner = env.getArgument("owner");
    String name = env.getArgument("name");
    SimRepository repo = world.find(owner, name);
    if (repo == null && !Boolean.FALSE.equals(env.getArgument("followRenames"))) {
      var current = world.renamedTo(owner, name);
      repo = current == null ? null : world.find(current.owner(), current.name());
    }
    if (repo == null) {
      return notFound(env, "Could not resolve to a Repository with the name '" + owner + "/" + name + "'.");
    }
    return repo;
  }

  private Object pullRequest(DataFetchingEnvironment env) {
    int number = env.<Integer>getArgument("number");
    SimRepository repo = repo(env);
    SimPullRequest pr = repo.pull(number);
    if (pr == null) {
      return notFound(env, "Could not resolve to a PullRequest with the number of " + number + ".");
    }
    return new PullView(repo, pr, env.getGraphQlContext().get("now"));
  }

  private static DataFetcherResult<Object> notFound(DataFetchingEnvironment env, String message) {
    return DataFetcherResult.newResult().data(null).error(GraphqlErrorBuilder.newError(env).message(message)
        .extensions(Map.of("type", "NOT_FOUND")).build()).build();
  }

  /** The slice of {@code items} a connection's {@code first} or {@code last} selects. */
  private static <T> List<T> slice(List<T> items, DataFetchingEnvironment env) {
    Integer first = env.getArgument("first");
    Integer last = env.getArgument("last");
    if (first != null) {
      return items.subList(0, Math.min(first, items.size()));
    }
    if (last != null) {
      return items.subList(Math.max(0, items.size() - last), items.size());
    }
    return items;
  }

  private static Map<String, Object> connection(List<?> nodes, int totalCount, boolean more) {
    Map<String, Object> connection = new LinkedHashMap<>();
    connection.put("nodes", nodes);
    connection.put("totalCount", totalCount);
    Map<String, Object> pageInfo = new LinkedHashMap<>();
    pageInfo.put("hasNextPage", more);
    pageInfo.put("hasPreviousPage", false);
    pageInfo.put("startCursor", nodes.isEmpty() ? null : "Y3Vyc29yOjE=");
    pageInfo.put("endCursor", nodes.isEmpty() ? null : "Y3Vyc29yOjI=");
    connection.put("pageInfo", pageInfo);
    return connection;
  }

  private Object comments(DataFetchingEnvironment env) {
    SimPullRequest pr = pr(env);
    List<Map<String, Object>> all = new ArrayList<>(pr.comments);
    for (int i = 0; i < pr.comments && (env.getArgument("first") != null || env.getArgument("last") != null); i++) {
      String login = world.randomUser(pr.id * 100 + i);
      all.add(Map.of("id", Templates.nodeId("IC_", pr.id * 100 + i), "author", user(login),
          "body", "Comment " + (i + 1), "createdAt", pr.createdAt.plusSeconds(60L * (i + 1)).toString()));
    }
    List<Map<String, Object>> page = slice(all, env);
    return connection(page, pr.comments, page.size() < pr.comments);
  }

  /** A commit as GraphQL shows it: its oid and the rollup of the checks and statuses on it (null without any). */
  private static Map<String, Object> commit(SimPullRequest pr, String oid) {
    ChecksState rollup = Activity.rollup(Activity.checksOn(pr, oid));
    Map<String, Object> commit = new LinkedHashMap<>();
    commit.put("__typename", "Commit");
    commit.put("id", Templates.nodeId("C_", oid.hashCode() & 0xFFFFFFFL));
    commit.put("oid", oid);
    commit.put("statusCheckRollup", rollup == ChecksState.NONE ? null
        : Map.of("id", Templates.nodeId("SCR_", pr.id), "state", rollup.name()));
    return commit;
  }

  /** {@code Repository.object(oid:)}: a head commit of one of its pull requests (current or with CI), else null. */
  private static Object object(DataFetchingEnvironment env) {
    String oid = env.getArgument("oid");
    if (oid == null) {
      return null;
    }
    SimRepository repo = repo(env);
    for (SimPullRequest pr : repo.pulls) {
      if (oid.equals(pr.headSha) || oid.equals(pr.ciSha)) {
        return commit(pr, oid);
      }
    }
    return null;
  }

  private static Object commits(DataFetchingEnvironment env) {
    SimPullRequest pr = pr(env);
    Map<String, Object> node = Map.of("id", Templates.nodeId("PURC_", pr.id), "commit", commit(pr, pr.headSha));
    return connection(List.of(node), pr.commits, pr.commits > 1);
  }

  private static Object reviews(DataFetchingEnvironment env, boolean latestOnly) {
    SimPullRequest pr = pr(env);
    List<SimPullRequest.SimReview> selected = new ArrayList<>();
    if (latestOnly) {
      Map<String, SimPullRequest.SimReview> latest = new LinkedHashMap<>();
      for (SimPullRequest.SimReview review : pr.reviewList) {
        latest.remove(review.login());
        latest.put(review.login(), review);
      }
      selected.addAll(latest.values());
    } else {
      List<String> states = env.getArgument("states");
      String author = env.getArgument("author");
      for (SimPullRequest.SimReview review : pr.reviewList) {
        if ((states == null || states.contains(review.state().name()))
            && (author == null || author.equals(review.login()))) {
          selected.add(review);
        }
      }
    }
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (SimPullRequest.SimReview review : slice(selected, env)) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("id", Templates.nodeId("PRR_", review.id()));
      node.put("author", user(review.login()));
      node.put("state", review.state() == ReviewState.DISMISSED ? "DISMISSED" : review.state().name());
      node.put("submittedAt", review.submittedAt().toString());
      nodes.add(node);
    }
    return connection(nodes, selected.size(), nodes.size() < selected.size());
  }

  private static Map<String, Object> user(String login) {
    return Map.of("__typename", "User", "id", Templates.nodeId("U_", login.hashCode() & 0xFFFFFFFL),
        "login", login, "url", Templates.HTML_BASE + "/" + login);
  }
}
