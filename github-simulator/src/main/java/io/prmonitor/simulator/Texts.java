package io.prmonitor.simulator;

import java.util.SplittableRandom;

/**
 * Deterministic generators for titles, bodies, branch names and SHAs with the variety of real pull requests:
 * unicode, emoji, quotes and backslashes, empty and multi-kilobyte bodies.
 */
final class Texts {

  private static final String[] VERBS = {
      "Fix", "Add", "Remove", "Refactor", "Update", "Improve", "Document", "Bump", "Revert", "Speed up",
      "Support", "Deprecate", "Harden", "Simplify", "Migrate"};
  private static final String[] THINGS = {
      "parser", "HTTP client", "rate limiter", "build", "CI workflow", "README", "cache eviction", "login flow",
      "pagination", "JSON encoder", "database migration", "metrics", "retry policy", "dependency graph",
      "websocket reconnect", "config loader", "release notes", "error messages", "thread pool", "schema"};
  private static final String[] FLAVOURS = {
      "", "", "", " for Windows", " 🐛", " (#%d follow-up)", " — ünïcödé edition", " 日本語対応", " для всех",
      " with \"quotes\" and \\backslashes\\", " 🚀✨", " in café/naïve paths", " <script>alert(1)</script>",
      " \ud83d\udc4d", " ، دعم العربية", " 한국어", " \t tabs"};
  private static final String[] PARAGRAPHS = {
      "This change makes the behaviour consistent with the documentation and adds tests for the edge cases.",
      "Fixes a race between the writer and the flusher that lost the last batch under load.",
      "Ünïcödé is handled everywhere now: ✓ names, ✓ paths, ✓ commit messages. 日本語のテキストも大丈夫です。",
      "### Checklist\n- [x] tests\n- [x] docs\n- [ ] changelog\n",
      "```java\nclient.send(request, BodyHandlers.ofInputStream());\n```\n",
      "Emoji in the wild: 🎉🔥🐛🚀 👩‍💻 — and a zero-width joiner sequence.",
      "Benchmarks before/after:\n\n| case | before | after |\n|---|---|---|\n| cold | 12 s | 7 s |\n",
      "Quotes \"inside\" and back\\slashes, control chars\u0001 and a tab\there.",
      "Закрывает проблему с кодировкой в заголовках. Спасибо всем!",
      "> Quoted reply from the issue thread, with a link: https://example.com/issues/42"};

  /** The paragraphs and separator as escaped JSON string content, so generated bodies splice as bytes. */
  private static final byte[][] PARAGRAPH_JSON = new byte[PARAGRAPHS.length][];
  private static final byte[] SEPARATOR_JSON;

  static {
    for (int i = 0; i < PARAGRAPHS.length; i++) {
      ByteSink sink = new ByteSink(256);
      sink.strContent(PARAGRAPHS[i]);
      PARAGRAPH_JSON[i] = sink.toByteArray();
    }
    SEPARATOR_JSON = new ByteSink(16).strContent("\r\n\r\n").toByteArray();
  }

  private Texts() {}

  /** Appends {@code body(seed)} as a JSON string literal, without building the string. */
  static void writeBody(ByteSink out, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int paragraphs = (seed & 15) == 0 ? 40 + random.nextInt(60) : 1 + random.nextInt(4);
    out.ch('"');
    for (int i = 0; i < paragraphs; i++) {
      if (i > 0) {
        out.raw(SEPARATOR_JSON);
      }
      out.raw(PARAGRAPH_JSON[random.nextInt(PARAGRAPHS.length)]);
    }
    out.ch('"');
  }

  static String title(SplittableRandom random, int number) {
    String flavour = FLAVOURS[random.nextInt(FLAVOURS.length)];
    if (flavour.contains("%d")) {
      flavour = String.format(flavour, Math.max(1, number - 1));
    }
    return VERBS[random.nextInt(VERBS.length)] + " " + THINGS[random.nextInt(THINGS.length)] + flavour;
  }

  /**
   * The generated body for a seed: a few paragraphs, or several kilobytes for one seed in sixteen.
   */
  static String body(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int paragraphs = (seed & 15) == 0 ? 40 + random.nextInt(60) : 1 + random.nextInt(4);
    StringBuilder sb = new StringBuilder(paragraphs * 90);
    for (int i = 0; i < paragraphs; i++) {
      if (i > 0) {
        sb.append("\r\n\r\n");
      }
      sb.append(PARAGRAPHS[random.nextInt(PARAGRAPHS.length)]);
    }
    return sb.toString();
  }

  static String sha(SplittableRandom random) {
    StringBuilder sb = new StringBuilder(40);
    for (int i = 0; i < 40; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString();
  }

  static String branch(SplittableRandom random, int number) {
    String[] prefixes = {"feature/", "fix/", "chore/", "dependabot/maven/", "", "release/"};
    return prefixes[random.nextInt(prefixes.length)] + THINGS[random.nextInt(THINGS.length)].replace(' ', '-')
        + "-" + number;
  }
}
