package io.prmonitor.spi;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for a host name that always means this machine: where plain {@code http://} is allowed (the
 * simulator, a stub server in a test), because a token sent there never crosses a network.
 *
 * <p>Only the name is read, DNS never: {@code localhost}, {@code ::1} (bare or in brackets) and
 * {@code 127.x.x.x}. A name that merely resolves to a loopback address ({@code 127.0.0.1.nip.io}) is not
 * loopback here, because what it resolves to can change. Stateless and thread-safe.
 */
public final class LoopbackHost {

  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private LoopbackHost() {
  }

  /** Whether {@code host} (as in {@link java.net.URI#getHost()}; null is not) names this machine. */
  public static boolean matches(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || IPV4_LOOPBACK.matcher(h).matches();
  }
}
