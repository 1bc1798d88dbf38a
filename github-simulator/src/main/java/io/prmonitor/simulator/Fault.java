package io.prmonitor.simulator;

/** A kind of failure the simulator can inflict on one request; see {@link Faults}. */
public enum Fault {
  /** {@code 500 Internal Server Error} with GitHub's body. */
  SERVER_ERROR,
  /** {@code 502 Bad Gateway} with an HTML body, as GitHub's front end sends. */
  BAD_GATEWAY,
  /** {@code 503 Service Unavailable}. */
  SERVICE_UNAVAILABLE,
  /** The connection is closed without a response. */
  CONNECTION_RESET,
  /** The response is held back for {@link Faults#stallDuration()} (past a client's timeout), then sent. */
  STALL,
  /** A {@code 200} whose body stops half way, shorter than its {@code Content-Length}; the connection closes. */
  TRUNCATED_BODY,
  /** A {@code 200} with a complete but syntactically broken JSON body. */
  MALFORMED_JSON,
  /** A {@code 403} secondary rate limit with {@code Retry-After}. */
  SECONDARY_LIMIT,
  /** A {@code 200} with {@code Content-Type: text/html} and an HTML page, as a proxy or captive portal sends. */
  UNEXPECTED_CONTENT_TYPE,
  /** A {@code 200} whose JSON body nests arrays 100,000 deep (a parser without a depth limit overflows). */
  DEEPLY_NESTED_JSON
}
