package io.prmonitor.spi;

/**
 * Where the last completed pass over a repository's pull request list stopped.
 *
 * <p>The list is read newest-updated first ({@code sort=updated&direction=desc}). The next pass sends
 * {@link #etag()} with the first page and, when that page changed, reads on only while pages hold pull
 * requests updated at or after {@link #updatedAt()}. Why that loses nothing while the list shifts under
 * the reader is explained in the processor's listing logic.
 *
 * @param updatedAt the greatest {@code updated_at} seen by the last completed pass, or null if none
 * @param etag the entity tag of the first page read by that pass, or null
 */
public record ListingCursor(java.time.Instant updatedAt, String etag) {

  /** No completed pass: read every page, unconditionally. */
  public static final ListingCursor NONE = new ListingCursor(null, null);
}
