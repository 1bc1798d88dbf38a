package io.prmonitor.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a route needs to know about one REST request, parsed once: method, decoded path segments, query pairs,
 * token, route template; {@code recorded} says whether its outcome reached the stats yet.
 */
record ApiRequest(HttpExchange exchange, String method, String[] segments, List<String[]> query,
    String rawPath, String token, String template, boolean[] recorded) {

  /** GitHub's page size when {@code per_page} is absent or below 1. */
  static final int DEFAULT_PER_PAGE = 30;
  /** GitHub's largest page size. */
  static final int MAX_PER_PAGE = 100;

  /** The value of the query parameter {@code name}, decoded; null when absent. */
  String param(String name) {
    for (String[] pair : query) {
      if (pair[0].equals(name)) {
        return pair[1];
      }
    }
    return null;
  }

  /** The page size asked for, as GitHub reads {@code per_page}: default 30, at most 100. */
  int perPage() {
    int perPage = intParam(param("per_page"), DEFAULT_PER_PAGE);
    return perPage < 1 ? DEFAULT_PER_PAGE : Math.min(perPage, MAX_PER_PAGE);
  }

  /** The page asked for, from 1. */
  int page() {
    return Math.max(1, intParam(param("page"), 1));
  }

  String ifNoneMatch() {
    return exchange.getRequestHeaders().getFirst("If-None-Match");
  }

  /** Whether the client takes a gzip body. */
  boolean acceptsGzip() {
    String acceptEncoding = exchange().getRequestHeaders().getFirst("Accept-Encoding");
    return acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
  }

  /**
   * GitHub's {@code Link} for a page of this request: prev, next, last, first, each present only when it differs
   * from this page. {@code linkPrefix} is a {@code /repositories/{id}} base, or null for the request's own path.
   */
  String link(String baseUrl, String linkPrefix, int page, int lastPage) {
    if (lastPage <= 1 && page <= 1) {
      return null;
    }
    String base = (linkPrefix != null ? linkPrefix + "/pulls" : baseUrl + rawPath()) + "?";
    StringBuilder query = new StringBuilder();
    for (String[] pair : query()) {
      if (!pair[0].equals("page")) {
        query.append(pair[2]).append('&');
      }
    }
    String prefix = base + query + "page=";
    List<String> parts = new ArrayList<>(4);
    if (page > 1) {
      parts.add("<" + prefix + (page - 1) + ">; rel=\"prev\"");
    }
    if (page < lastPage) {
      parts.add("<" + prefix + (page + 1) + ">; rel=\"next\"");
      parts.add("<" + prefix + lastPage + ">; rel=\"last\"");
    }
    if (page > 1) {
      parts.add("<" + prefix + 1 + ">; rel=\"first\"");
    }
    return String.join(", ", parts);
  }

  /** The decoded segments of a raw path. */
  static String[] segments(String rawPath) {
    String[] raw = Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    for (int i = 0; i < raw.length; i++) {
      raw[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    return raw;
  }

  /** Query pairs in request order: decoded name, decoded value, raw {@code name=value}. */
  static List<String[]> query(String rawQuery) {
    List<String[]> pairs = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return pairs;
    }
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      pairs.add(new String[] {URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8), part});
    }
    return pairs;
  }

  /** The credential of a {@code token} or {@code Bearer} authorization header; null for none or another scheme. */
  static String token(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.trim();
    int space = value.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
    String credential = value.substring(space + 1).trim();
    return (scheme.equals("token") || scheme.equals("bearer")) && !credential.isEmpty() ? credential : null;
  }

  static String valueOr(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  static int intParam(String value, int fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
