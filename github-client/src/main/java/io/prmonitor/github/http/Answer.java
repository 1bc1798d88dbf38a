package io.prmonitor.github.http;

import java.net.http.HttpHeaders;

/**
 * A final answer to a {@link Call}: 200 with its parsed body, 304, or a 404 the call accepts.
 *
 * @param status the HTTP status
 * @param value the parsed body; null unless 200
 * @param headers the answer's headers
 * @param requests the requests it took, retries and a redirect included
 */
public record Answer<T>(int status, T value, HttpHeaders headers, int requests) {

  /** The answer's entity tag, or null. */
  public String etag() {
    return headers.firstValue("ETag").orElse(null);
  }
}
