package io.prmonitor.spi;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link GitHubClient} authenticates. {@code toString()} never shows a secret.
 */
public sealed interface GitHubCredentials {

  /** A non-secret label identifying the credential in logs and metric tags. */
  String label();

  /** No authentication (60 requests an hour on github.com; for the simulator and tests). */
  record Anonymous() implements GitHubCredentials {
    @Override
    public String label() {
      return "anonymous";
    }
  }

  /**
   * A personal access token or any other bearer token.
   *
   * <p>A token must be sendable as an HTTP header: printable ASCII without spaces ({@code U+0021} to
   * {@code U+007E}; GitHub's tokens use letters, digits and {@code _}). Anything else (a byte-order mark or
   * a newline from a file, a zero-width space from a copy and paste, a character outside Latin-1) is
   * refused here, with a message that gives the offending character's position and code point but never
   * the token, rather than later by the HTTP client with a message that quotes it.
   *
   * @param token the secret
   */
  record Token(String token) implements GitHubCredentials {
    /**
     * Checks the token.
     *
     * @throws IllegalArgumentException if the token is blank or holds a character that cannot be sent
     */
    public Token {
      Objects.requireNonNull(token, "null token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("token is blank");
      }
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c < 0x21 || c > 0x7E) {
          throw new IllegalArgumentException(String.format(
              "token holds U+%04X%s at position %d of %d; a token is printable ASCII without spaces "
                  + "(the token is not shown)", (int) c, describe(c), i, token.length()));
        }
      }
    }

    private static String describe(char c) {
      return switch (c) {
        case '\uFEFF' -> " (a byte-order mark)";
        case '\u200B', '\u200C', '\u200D', '\u2060' -> " (a zero-width character)";
        case '\n', '\r' -> " (a line break)";
        case ' ', '\t', '\u00A0' -> " (white space)";
        default -> "";
      };
    }

    /** {@code token:} plus the last four characters. */
    @Override
    public String label() {
      return "token:" + (token.length() > 8 ? "..." + token.substring(token.length() - 4) : "****");
    }

    @Override
    public String toString() {
      return "Token[" + label() + "]";
    }
  }

  /**
   * A GitHub App installation: a JWT signed with the app's private key is exchanged for installation
   * tokens, which are refreshed before they expire.
   *
   * @param appId the app's id
   * @param privateKeyPem the app's RSA private key in PEM (PKCS#1 or PKCS#8)
   * @param installationId the installation to act as
   */
  record App(long appId, String privateKeyPem, long installationId) implements GitHubCredentials {
    public App {
      Objects.requireNonNull(privateKeyPem, "null privateKeyPem");
      if (appId <= 0) {
        throw new IllegalArgumentException("appId must be positive: " + appId);
      }
      if (installationId <= 0) {
        throw new IllegalArgumentException("installationId must be positive: " + installationId);
      }
    }

    @Override
    public String label() {
      return "app:" + appId + "/installation:" + installationId;
    }

    @Override
    public String toString() {
      return "App[" + label() + "]";
    }
  }

  /**
   * A pool of tokens or app installations used together: a client sends each request with the member
   * that has the most rate-limit budget left, so a fleet's budget is the sum of its members'.
   *
   * <p>Members are told apart by their labels (a token's is its last four characters), which also key
   * the budgets a fleet shares; so two tokens ending in the same four characters cannot share a pool.
   *
   * @param members two or more {@link Token}s or {@link App}s, with distinct labels
   */
  record Pool(List<GitHubCredentials> members) implements GitHubCredentials {
    public Pool {
      Objects.requireNonNull(members, "null members");
      members = List.copyOf(members);
      if (members.size() < 2) {
        throw new IllegalArgumentException("a credential pool needs at least 2 members: " + members.size());
      }
      Set<String> labels = new HashSet<>();
      for (GitHubCredentials member : members) {
        if (!(member instanceof Token) && !(member instanceof App)) {
          throw new IllegalArgumentException("a credential pool holds tokens and apps only, not "
              + member.label());
        }
        if (!labels.add(member.label())) {
          throw new IllegalArgumentException("a credential pool holds two members labelled " + member.label());
        }
      }
    }

    /** {@code pool:} plus the members' labels. */
    @Override
    public String label() {
      return "pool:" + members.stream().map(GitHubCredentials::label).toList();
    }

    @Override
    public String toString() {
      return "Pool[" + label() + "]";
    }
  }
}
