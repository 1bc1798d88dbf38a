package io.prmonitor.simulator;

/**
 * One page of a repository's pull list, {@code view[from, to)}: its weak ETag and its JSON. The request handler
 * and the start-up precompression both derive pages here, so a page compressed at start-up is found again
 * under the ETag a request computes. Callers hold the world's read lock.
 */
final class PullPage {

  private PullPage() {}

  /**
   * The page's ETag: the identity of what it contains (repository id, name and template version; each item's
   * number and revision), so it changes exactly when the page's bytes do.
   */
  static String etag(SimRepository repo, SimPullRequest[] view, int from, int to) {
    Etag etag = new Etag().add(repo.id).add(repo.repositoryId.fullName()).add(repo.templateVersion);
    for (int i = from; i < to; i++) {
      etag.add(view[i].number).add(view[i].revision);
    }
    return etag.weak();
  }

  /**
   * Appends the page {@code [item,item,...]} to {@code out}; when {@code offsets} is not null,
   * {@code offsets[k]} receives where item {@code from + k} starts and {@code offsets[to - from]} where the
   * closing bracket is.
   */
  static void write(Payloads payloads, SimRepository repo, SimPullRequest[] view, int from, int to, ByteSink out,
      int[] offsets) {
    out.ch('[');
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.ch(',');
      }
      if (offsets != null) {
        offsets[i - from] = out.size();
      }
      payloads.listItem(out, repo, view[i]);
    }
    if (offsets != null) {
      offsets[to - from] = out.size();
    }
    out.ch(']');
  }

  /** Where item {@code k} of a page written with {@code offsets} ends (before its separating comma). */
  static int itemEnd(int[] offsets, int k, int count) {
    return k + 1 < count ? offsets[k + 1] - 1 : offsets[count];
  }
}
