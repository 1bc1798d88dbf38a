package io.prmonitor.simulator;

/**
 * What the simulated pull requests hold, beyond the ordinary variety of {@link GitHubSimulator}'s default
 * world: values the GitHub API can send that a store or a reader may not expect. Each option is drawn per
 * pull request from the world's seed, so a world is the same on every start.
 *
 * @param longTitles the fraction of pull requests, from 0 to 1, whose title has 257 to 1,200 characters
 *     (GitHub's web form stops at 256, its API has served longer ones)
 * @param hostile the fraction of pull requests, from 0 to 1, given one or more hostile traits: text from
 *     every Unicode plane with zero-width joiners, right-to-left marks, escaped control characters (U+0000
 *     included), unpaired surrogates and noncharacters; empty titles and bodies; null bodies and authors;
 *     bodies of GitHub's 65,536-character limit in Latin, CJK, emoji, Arabic and mixed scripts; branch names
 *     of up to 1,000 characters; hundreds of labels (one named with a line feed, one empty) and assignees;
 *     a closing time before the creation time; and the pull request listed twice, next to itself (within a
 *     page) or a page further down (across pages)
 * @param bodyChars when positive, every generated body is exactly this many characters of CJK text (65,536
 *     is GitHub's limit), generated from a seed rather than kept; 0 for the default few paragraphs
 */
public record Content(double longTitles, double hostile, int bodyChars) {

  /** The default world: no long title, nothing hostile, bodies of a few paragraphs. */
  public static final Content ORDINARY = new Content(0, 0, 0);

  /** GitHub's limit on a pull request body, in characters. */
  public static final int GITHUB_BODY_LIMIT = 65_536;

  /**
   * @throws IllegalArgumentException naming the value if a fraction is outside [0, 1] or bodyChars is
   *     negative
   */
  public Content {
    if (!(longTitles >= 0 && longTitles <= 1)) {
      throw new IllegalArgumentException("longTitles must be a fraction in [0, 1]: " + longTitles);
    }
    if (!(hostile >= 0 && hostile <= 1)) {
      throw new IllegalArgumentException("hostile must be a fraction in [0, 1]: " + hostile);
    }
    if (bodyChars < 0) {
      throw new IllegalArgumentException("bodyChars cannot be negative: " + bodyChars);
    }
  }

  /**
   * A short hostile text (control characters, unpaired surrogates, noncharacters, every plane, joiners,
   * right-to-left marks), the same for the same seed: for tests that edit pull requests with such values.
   */
  public static String hostileText(long seed) {
    return HostileTexts.text(new java.util.SplittableRandom(seed));
  }

  /** The world of issue 13's first criterion: 1.5% long titles and 10% hostile pull requests. */
  public static Content hostileWorld() {
    return new Content(0.015, 0.10, 0);
  }
}
