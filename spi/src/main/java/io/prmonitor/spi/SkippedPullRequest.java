package io.prmonitor.spi;

/**
 * A list item that could not be turned into a {@link PullRequest}; the rest of its page is still used.
 *
 * @param index the item's position in its page, from 0
 * @param number the item's number if it could be read, else 0
 * @param reason what was wrong, for logs and the run report
 */
public record SkippedPullRequest(int index, int number, String reason) {
}
