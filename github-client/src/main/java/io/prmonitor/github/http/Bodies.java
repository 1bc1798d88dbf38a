package io.prmonitor.github.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.prmonitor.github.json.GitHubJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** How the client reads what a body says beside its JSON: its encoding, an error's message, safe excerpts. */
public final class Bodies {

  /** Property naming the largest response body accepted after decompression, in bytes. */
  public static final String MAX_BODY_BYTES_PROPERTY = "github.maxBodyBytes";
  /** The most of an error body that is read. */
  public static final int MAX_ERROR_BODY = 16 * 1024;

  private static final JsonFactory JSON = new JsonFactory();

  private Bodies() {
  }

  /**
   * The body as its {@code Content-Encoding} says: gzip is inflated (every request asks for it), identity
   * passes; anything else is refused rather than read as text.
   */
  public static InputStream decoded(HttpHeaders headers, InputStream wire) throws IOException {
    String encoding = headers.firstValue("Content-Encoding").map(v -> v.trim().toLowerCase(Locale.ROOT))
        .orElse("identity");
    return switch (encoding) {
      case "gzip", "x-gzip" -> new GZIPInputStream(wire, 16 * 1024);
      case "identity", "" -> wire;
      default -> throw new IOException("unsupported Content-Encoding '" + abbreviate(encoding) + "'");
    };
  }

  /** GitHub's {@code message} from an (already decoded) error body, read up to a small limit; never the whole body. */
  public static String errorMessage(InputStream body) throws IOException {
    byte[] bytes;
    try {
      bytes = body.readNBytes(MAX_ERROR_BODY);
    } catch (ZipException e) {
      return "(unreadable error body: " + e.getMessage() + ")";
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        String[] message = new String[1];
        GitHubJson.forEachField(p, (name, value) -> {
          if (name.equals("message")) {
            message[0] = GitHubJson.stringOrNull(p, value);
          } else {
            p.skipChildren();
          }
        });
        if (message[0] != null) {
          return abbreviate(message[0]);
        }
      }
    } catch (IOException e) {
      // Not JSON: the raw text is the best description there is.
    }
    return abbreviate(text.strip());
  }

  /** At most 200 characters of {@code text}, control characters shown as {@code ?}. */
  public static String abbreviate(String text) {
    // control characters (a hostile body's newlines, escapes) would forge log lines: shown as '?'
    String shown = text.length() <= 200 ? text : text.substring(0, 200) + "...";
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
