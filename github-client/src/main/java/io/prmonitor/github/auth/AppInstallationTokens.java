package io.prmonitor.github.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.github.json.GitHubJson;
import io.prmonitor.spi.GitHubAuthenticationException;
import io.prmonitor.spi.GitHubCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Authorization as a GitHub App installation: a JWT signed with the app's key is exchanged at
 * {@code POST {base}/app/installations/{id}/access_tokens} for an installation token, which is cached
 * and exchanged again {@link #REFRESH_MARGIN} before its {@code expires_at}.
 *
 * <p>The private key is parsed once, at construction, so a bad key fails at once. Only one thread
 * exchanges at a time; the others wait for its token. Neither key, JWT nor token ever appears in a
 * message or {@code toString()}. Thread-safe.
 */
public final class AppInstallationTokens implements AuthorizationSource {

  /** How long before its expiry a token is replaced. */
  public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
  private static final int MAX_ERROR_BODY = 16 * 1024;

  private final GitHubCredentials.App app;
  private final RSAPrivateKey key;
  private final HttpClient http;
  private final URI exchangeUrl;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final Clock clock;
  private final GitHubJson json;
  private final ReentrantLock lock = new ReentrantLock();
  private String token;
  private Instant expiresAt = Instant.MIN;

  /**
   * @param app the app credentials
   * @param http the client to exchange with (not closed by this object)
   * @param baseUrl the API root
   * @param timeout the time limit of one exchange
   * @param headers further request headers ({@code Accept}, {@code User-Agent}, API version)
   * @param clock the wall clock, for JWT times and token expiry
   * @param json the JSON reader
   * @throws IllegalArgumentException if the private key cannot be read
   */
  public AppInstallationTokens(GitHubCredentials.App app, HttpClient http, URI baseUrl, Duration timeout,
      Map<String, String> headers, Clock clock, GitHubJson json) {
    this.app = Objects.requireNonNull(app, "null app");
    this.key = PemPrivateKeys.parse(app.privateKeyPem());
    this.http = Objects.requireNonNull(http, "null http");
    String base = baseUrl.toString();
    this.exchangeUrl = URI.create((base.endsWith("/") ? base : base + "/")
        + "app/installations/" + app.installationId() + "/access_tokens");
    this.timeout = Objects.requireNonNull(timeout, "null timeout");
    this.headers = Map.copyOf(headers);
    this.clock = Objects.requireNonNull(clock, "null clock");
    this.json = Objects.requireNonNull(json, "null json");
  }

  @Override
  public Optional<String> header() throws IOException, InterruptedException {
    lock.lockInterruptibly();
    try {
      if (token == null || !clock.instant().isBefore(expiresAt.minus(REFRESH_MARGIN))) {
        exchange();
      }
      return Optional.of("Bearer " + token);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void invalidate() {
    lock.lock();
    try {
      token = null;
      expiresAt = Instant.MIN;
    } finally {
      lock.unlock();
    }
  }

  private void exchange() throws IOException, InterruptedException {
    String jwt = JsonWebTokens.sign(app.appId(), key, clock.instant());
    HttpRequest.Builder request = HttpRequest.newBuilder(exchangeUrl)
        .timeout(timeout)
        .POST(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + jwt);
    headers.forEach(request::header);
    HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 200 || status == 201) {
        readToken(body);
        return;
      }
      body.readNBytes(MAX_ERROR_BODY);
      if (status >= 500) {
        throw new IOException("installation token exchange for " + app.label() + " answered HTTP " + status);
      }
      throw new GitHubAuthenticationException("GitHub App installation token could not be obtained for "
          + app.label() + " (HTTP " + status + " from POST /app/installations/{installation_id}/access_tokens)",
          status);
    }
  }

  private void readToken(InputStream body) throws IOException {
    String[] fields = new String[2];
    try (JsonParser p = json.parser(body)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new IOException("installation token answer for " + app.label() + " is not a JSON object");
      }
      GitHubJson.forEachField(p, (name, value) -> {
        switch (name) {
          case "token" -> fields[0] = GitHubJson.stringOrNull(p, value);
          case "expires_at" -> fields[1] = GitHubJson.stringOrNull(p, value);
          default -> p.skipChildren();
        }
      });
    }
    Instant expires = GitHubJson.instantOrNull(fields[1]);
    if (fields[0] == null || fields[0].isBlank() || expires == null) {
      throw new GitHubAuthenticationException("installation token answer for " + app.label()
          + " lacks a token or a valid expires_at", 201);
    }
    token = fields[0];
    expiresAt = expires;
  }

  @Override
  public String toString() {
    return "AppInstallationTokens[" + app.label() + "]";
  }
}
