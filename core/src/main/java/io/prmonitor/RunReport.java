package io.prmonitor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.RepositoryId;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one pass did. Immutable; {@link #toJson()} (and {@code toString()}) render it as one JSON line.
 *
 * @param pass the pass number within this monitor, from 1
 * @param startedAt when the pass started
 * @param duration how long it took, delivery included
 * @param repositories how many repositories the pass covered (with leases on: the ones this monitor
 *     claimed from the fleet's due repositories)
 * @param repositoriesDone repositories synchronized completely
 * @param failedRepositories repositories that failed, with the reason
 * @param failedDiscoveries discoveries that failed, by selector ({@code org:NAME}, {@code user:LOGIN},
 *     {@code installation}), with the reason
 * @param deferred repositories left for the next pass for want of time or rate-limit budget; the next pass
 *     takes them up first
 * @param pullRequestsSeen list items read
 * @param pullRequestsSkipped list items that could not be read
 * @param changes changes detected and recorded, by kind; kinds with none are absent
 * @param requests GitHub requests of the pages read, retries included (a call that ends in an error,
 *     such as a 404, is not counted here; the {@code prmonitor.github.requests} metric counts every one)
 * @param notModified requests answered {@code 304 Not Modified} (free of rate limit)
 * @param changesDelivered outbox entries every listener accepted during this pass
 * @param deliveryFailures outbox entries a listener refused during this pass (they stay pending)
 * @param quarantined pull requests the reader or the store refused in this pass, as {@code owner/name#number}
 *     with the reason; the rest of their repositories was synchronized, and they are retried on every later
 *     pass until stored
 * @param enrichment what enrichment read in this pass ({@link EnrichmentReport#none()} when it is off)
 */
public record RunReport(
    long pass,
    Instant startedAt,
    Duration duration,
    int repositories,
    int repositoriesDone,
    Map<RepositoryId, String> failedRepositories,
    Map<String, String> failedDiscoveries,
    List<RepositoryId> deferred,
    long pullRequestsSeen,
    long pullRequestsSkipped,
    Map<ChangeKind, Long> changes,
    long requests,
    long notModified,
    long changesDelivered,
    long deliveryFailures,
    Map<String, String> quarantined,
    EnrichmentReport enrichment) {

  private static final JsonFactory JSON = new JsonFactory();

  public RunReport {
    Objects.requireNonNull(startedAt, "null startedAt");
    Objects.requireNonNull(duration, "null duration");
    Objects.requireNonNull(enrichment, "null enrichment");
    TreeMap<RepositoryId, String> byName = new TreeMap<>(Comparator.comparing(RepositoryId::fullName));
    byName.putAll(failedRepositories);
    failedRepositories = java.util.Collections.unmodifiableMap(byName);
    failedDiscoveries = java.util.Collections.unmodifiableMap(new TreeMap<>(failedDiscoveries));
    deferred = List.copyOf(deferred);
    EnumMap<ChangeKind, Long> nonZero = new EnumMap<>(ChangeKind.class);
    changes.forEach((kind, count) -> {
      if (count != 0) {
        nonZero.put(kind, count);
      }
    });
    changes = java.util.Collections.unmodifiableMap(nonZero);
    quarantined = java.util.Collections.unmodifiableMap(new TreeMap<>(quarantined));
  }

  /** A report of a pass that quarantined no pull request and read no enrichment. */
  public RunReport(long pass, Instant startedAt, Duration duration, int repositories, int repositoriesDone,
      Map<RepositoryId, String> failedRepositories, Map<String, String> failedDiscoveries,
      List<RepositoryId> deferred, long pullRequestsSeen, long pullRequestsSkipped, Map<ChangeKind, Long> changes,
      long requests, long notModified, long changesDelivered, long deliveryFailures) {
    this(pass, startedAt, duration, repositories, repositoriesDone, failedRepositories, failedDiscoveries,
        deferred, pullRequestsSeen,
        pullRequestsSkipped, changes, requests, notModified, changesDelivered, deliveryFailures, Map.of(),
        EnrichmentReport.none());
  }

  /**
   * What failed, by name: each failed repository as {@code owner/name} and each failed discovery as its
   * selector ({@code org:NAME}), with the reason, ordered by name; the {@code failed} object of
   * {@link #toJson()}.
   */
  public Map<String, String> failed() {
    Map<String, String> failed = new TreeMap<>(failedDiscoveries);
    failedRepositories.forEach((repository, reason) -> failed.put(repository.fullName(), reason));
    return java.util.Collections.unmodifiableMap(failed);
  }

  /** The total number of changes of every kind. */
  public long totalChanges() {
    return changes.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether every repository was synchronized completely. */
  public boolean isComplete() {
    return failedRepositories.isEmpty() && failedDiscoveries.isEmpty() && deferred.isEmpty()
        && repositoriesDone == repositories;
  }

  /**
   * Renders the report as one line of JSON: {@code {"pass":1,"startedAt":"...","durationMs":1234,
   * "repositories":20,"done":20,"failed":{},"deferred":[],"pullRequests":10000,"skipped":0,
   * "changes":{"EDITED":3},"totalChanges":3,"requests":100,"notModified":0,"delivered":3,
   * "deliveryFailures":0,"quarantined":{}}}, followed by {@code "enrichment":{...}} when enrichment read
   * anything; {@code quarantined} maps {@code owner/name#number} to the reason.
   */
  public String toJson() {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("pass", pass);
      json.writeStringField("startedAt", startedAt.toString());
      json.writeNumberField("durationMs", duration.toMillis());
      json.writeNumberField("repositories", repositories);
      json.writeNumberField("done", repositoriesDone);
      json.writeObjectFieldStart("failed");
      for (var entry : failed().entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
      json.writeArrayFieldStart("deferred");
      for (RepositoryId repository : deferred) {
        json.writeString(repository.fullName());
      }
      json.writeEndArray();
      json.writeNumberField("pullRequests", pullRequestsSeen);
      json.writeNumberField("skipped", pullRequestsSkipped);
      json.writeObjectFieldStart("changes");
      for (var entry : changes.entrySet()) {
        json.writeNumberField(entry.getKey().name(), entry.getValue());
      }
      json.writeEndObject();
      json.writeNumberField("totalChanges", totalChanges());
      json.writeNumberField("requests", requests);
      json.writeNumberField("notModified", notModified);
      json.writeNumberField("delivered", changesDelivered);
      json.writeNumberField("deliveryFailures", deliveryFailures);
      json.writeObjectFieldStart("quarantined");
      for (var entry : quarantined.entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
      if (!enrichment.equals(EnrichmentReport.none())) {
        json.writeObjectFieldStart("enrichment");
        json.writeNumberField("pullRequests", enrichment.pullRequestsRead());
        json.writeNumberField("full", enrichment.fullReads());
        json.writeNumberField("checks", enrichment.checksReads());
        json.writeNumberField("requests", enrichment.requests());
        json.writeNumberField("notModified", enrichment.notModified());
        json.writeNumberField("graphqlQueries", enrichment.graphqlQueries());
        json.writeNumberField("graphqlPoints", enrichment.graphqlPoints());
        json.writeObjectFieldStart("deferred");
        for (var entry : new TreeMap<>(enrichment.deferred()).entrySet()) {
          json.writeNumberField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
        json.writeNumberField("failures", enrichment.failures());
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
