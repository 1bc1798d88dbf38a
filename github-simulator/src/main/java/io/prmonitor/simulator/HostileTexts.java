package io.prmonitor.simulator;

import java.util.SplittableRandom;

/** Generators of the hostile values of {@link Content}; deterministic per random source. */
final class HostileTexts {

  /** Pieces a hostile text is made of, one or more of each kind a string may carry. */
  private static final String[] PIECES = {
      "plain ascii",
      "\u0000", "\u0001", "\u0007", "\u001b[31mred\u001b[0m", "\u001f", "\u007f", "\t", "\r\n", "\n",
      "\\u0000 written out", "\"quoted\"", "back\\slash",
      "\ud800", "\udfff", "lone \udc00 low", "\ud83d", // unpaired surrogates, which only JSON escapes carry
      "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\ufeff", // noncharacters and the byte-order mark
      "\ud835\udd18\ud835\udd2b\ud835\udd26", // plane 1: mathematical fraktur
      "\ud840\udc00\ud869\udede", // plane 2: CJK extension B
      "\ud87e\udc00", // plane 2: compatibility ideographs
      "\ud880\udc00", // plane 3: CJK extension G
      "\udb40\udc01\udb40\udc41", // plane 14: tags
      "\udb80\udc00", "\udbff\udffd", // planes 15 and 16: private use
      "\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66", // a zero-width-joiner family
      "\ud83c\udff3\ufe0f\u200d\ud83c\udf08", // ZWJ with a variation selector
      "a\u200bb\u200cc\u200dd", // zero-width space, non-joiner, joiner
      "\u202eright-to-left override\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd\u200e", "\u0645\u0631\u062d\u0628\u0627",
      "e\u0301\u0301\u0301", // combining marks
      "\u65e5\u672c\u8a9e", "\ud55c\uad6d\uc5b4", "\u0440\u0443\u0441\u0441\u043a\u0438\u0439",
      "<script>alert(1)</script>", "'; DROP TABLE prmonitor_pull_requests; --", "%00%2e%2e/", "${jndi:x}"};

  /** The scripts of bodies at GitHub's limit. */
  enum Script {
    LATIN, CJK, EMOJI, ARABIC, MIXED
  }

  private HostileTexts() {}

  /** A short text (up to ~200 characters) made of hostile pieces. */
  static String text(SplittableRandom random) {
    int pieces = 1 + random.nextInt(8);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  /** A title of {@code length} characters: words with a hostile piece now and then. */
  static String longTitle(SplittableRandom random, int length) {
    StringBuilder sb = new StringBuilder(length + 16);
    while (sb.length() < length) {
      sb.append(random.nextInt(10) == 0 ? PIECES[random.nextInt(PIECES.length)] : "word" + random.nextInt(1000))
          .append(' ');
    }
    sb.setLength(length);
    if (Character.isHighSurrogate(sb.charAt(length - 1)) && random.nextBoolean()) {
      sb.setCharAt(length - 1, 'x'); // otherwise an unpaired surrogate at the end, as any cut can leave
    }
    return sb.toString();
  }

  /** A body of exactly {@code length} UTF-16 units in {@code script}. */
  static String body(SplittableRandom random, Script script, int length) {
    StringBuilder sb = new StringBuilder(length + 8);
    while (sb.length() < length) {
      switch (script) {
        case LATIN -> sb.append((char) ('a' + random.nextInt(26))).append(random.nextInt(7) == 0 ? " " : "");
        case CJK -> sb.append((char) (0x4E00 + random.nextInt(0x9FFF - 0x4E00)));
        case EMOJI -> sb.appendCodePoint(0x1F300 + random.nextInt(0x250));
        case ARABIC -> sb.append((char) (0x0627 + random.nextInt(0x0649 - 0x0627)));
        case MIXED -> sb.append(PIECES[random.nextInt(PIECES.length)]);
      }
    }
    sb.setLength(length);
    return sb.toString();
  }

  /** {@link #body} in CJK for a seed: the bodies of {@link Content#bodyChars()}, regenerated on demand. */
  static String cjkBody(long seed, int length) {
    return body(new SplittableRandom(seed), Script.CJK, length);
  }
}
