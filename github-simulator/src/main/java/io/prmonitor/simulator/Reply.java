package io.prmonitor.simulator;

import java.util.Arrays;

/**
 * A REST response under construction, and the error and fault bodies GitHub answers with. Not thread-safe: one
 * request's thread builds and sends it.
 */
final class Reply {

  private static final String DOCS = "https://docs.github.com/rest";


  int status;
  /** The body is {@code body[0, length)}; a pooled sink may back it. */
  byte[] body;
  int length;
  ByteSink sink;
  /** A gzip body built with the page (cached-deflate mode), from the pool. */
  ByteSink gzipSink;
  /** The page's whole gzip body compressed at start-up (cached-deflate mode); then {@code body} is null. */
  PrecompressedPages.Page precompressed;
  PageCache.Entry cached;
  String cacheKey;
  String etag;
  String link;
  String location;
  String retryAfter;
  String contentType = "application/json; charset=utf-8";
  Runnable afterServed;

  Reply(int status, byte[] body) {
    this.status = status;
    this.body = body;
    this.length = body == null ? 0 : body.length;
  }

  static Reply error(int status, String message) {
    return error(status, message, DOCS);
  }

  static Reply error(int status, String message, String documentation) {
    ByteSink out = new ByteSink(256);
    out.ascii("{\"message\":").str(message).ascii(",\"documentation_url\":").str(documentation)
        .ascii(",\"status\":\"").num(status).ascii("\"}");
    return new Reply(status, out.toByteArray());
  }

  static Reply withContentEtag(byte[] body) {
    Reply reply = new Reply(200, body);
    reply.etag = new Etag().add(body).weak();
    return reply;
  }

  static Reply validationFailed(String field) {
    ByteSink out = new ByteSink(256);
    out.ascii("{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\",\"field\":")
        .str(field).ascii(",\"code\":\"invalid\"}],\"documentation_url\":\"https://docs.github.com/rest/pulls/pulls"
            + "#list-pull-requests\",\"status\":\"422\"}");
    return new Reply(422, out.toByteArray());
  }

  static Reply noCommit(String ref, String documentation) {
    ByteSink out = new ByteSink(256);
    out.ascii("{\"message\":\"No commit found for SHA: ").strContent(ref)
        .ascii("\",\"documentation_url\":\"").ascii(documentation).ascii("\",\"status\":\"422\"}");
    return new Reply(422, out.toByteArray());
  }

  static Reply serverError(Fault fault) {
    return switch (fault) {
      case BAD_GATEWAY -> {
        Reply reply = new Reply(502, ByteSink.utf8("<html><head><title>502 Bad Gateway</title></head><body>"
            + "<h1>502 Bad Gateway</h1><p>We couldn't respond to your request in time.</p></body></html>"));
        reply.contentType = "text/html; charset=utf-8";
        yield reply;
      }
      case SERVICE_UNAVAILABLE -> error(503, "Service Unavailable");
      default -> error(500, "Server Error");
    };
  }

  /** JSON nested deeper than any sane parser allows. */
  static byte[] deeplyNested() {
    int depth = 100_000;
    byte[] body = new byte[2 * depth];
    Arrays.fill(body, 0, depth, (byte) '[');
    Arrays.fill(body, depth, 2 * depth, (byte) ']');
    return body;
  }

  /** The body cut in half and closed with stray punctuation, as a broken proxy would pass it on. */
  static byte[] malformed(byte[] body) {
    int cut = Math.max(1, body.length / 2);
    byte[] broken = Arrays.copyOf(body, cut + 4);
    broken[cut] = ',';
    broken[cut + 1] = ',';
    broken[cut + 2] = '}';
    broken[cut + 3] = ']';
    return broken;
  }
}
