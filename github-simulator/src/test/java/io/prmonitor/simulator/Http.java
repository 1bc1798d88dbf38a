package io.prmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A thin java.net.http client for conformance tests: one shared client, plain GETs with headers. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private Http() {}

  static HttpResponse<byte[]> get(GitHubSimulator sim, String pathAndQuery, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(20))
        .headers(withDefaults(headers)).GET().build());
  }

  static HttpResponse<byte[]> getUrl(String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .headers(withDefaults(headers)).GET().build());
  }

  static HttpResponse<byte[]> post(GitHubSimulator sim, String path, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(Duration.ofSeconds(20))
        .headers(withDefaults(headers)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpClient client() {
    return CLIENT;
  }

  static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static String[] withDefaults(String[] headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Accept";
    all[1] = "application/vnd.github+json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return all;
  }
}
