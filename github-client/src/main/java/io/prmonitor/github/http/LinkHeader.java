package io.prmonitor.github.http;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an RFC 8288 {@code Link} header that pagination needs, as GitHub sends it:
 * {@code <https://api.github.com/repositories/1/pulls?page=2>; rel="next", <...>; rel="last"}.
 *
 * @param next the {@code rel="next"} URL exactly as sent, or null
 * @param lastPage the {@code page} parameter of the {@code rel="last"} URL, or 0
 */
public record LinkHeader(URI next, int lastPage) {

  public static final LinkHeader NONE = new LinkHeader(null, 0);

  private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]*)*)");
  private static final Pattern REL = Pattern.compile("(?i)\\brel\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;,]+))");
  private static final Pattern PAGE = Pattern.compile("(?:^|&)page=(\\d{1,9})(?:&|$)");

  /**
   * Parses a header value; null gives {@link #NONE}.
   *
   * @throws IllegalArgumentException if a {@code next} URL is not a valid URI
   */
  public static LinkHeader parse(String header) {
    if (header == null || header.isBlank()) {
      return NONE;
    }
    URI next = null;
    int lastPage = 0;
    Matcher link = LINK.matcher(header);
    while (link.find()) {
      String url = link.group(1).trim();
      Matcher rel = REL.matcher(link.group(2));
      while (rel.find()) {
        String values = rel.group(1) != null ? rel.group(1) : rel.group(2);
        for (String value : values.trim().split("\\s+")) {
          if (value.equalsIgnoreCase("next") && next == null) {
            next = URI.create(url);
          } else if (value.equalsIgnoreCase("last")) {
            lastPage = pageOf(url);
          }
        }
      }
    }
    return new LinkHeader(next, lastPage);
  }

  private static int pageOf(String url) {
    int q = url.indexOf('?');
    if (q < 0) {
      return 0;
    }
    Matcher page = PAGE.matcher(url.substring(q + 1));
    return page.find() ? Integer.parseInt(page.group(1)) : 0;
  }
}
