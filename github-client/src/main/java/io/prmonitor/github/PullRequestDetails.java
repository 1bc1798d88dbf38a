package io.prmonitor.github;

/**
 * The fields of GitHub's full pull request ({@code GET /repos/{owner}/{repo}/pulls/{number}}) that the
 * list endpoint does not carry: an optional enrichment, fetched through
 * {@link HttpGitHubClient#pullRequestDetails}. Immutable.
 *
 * @param number the pull request's number
 * @param merged whether it has been merged
 * @param mergeable whether it can be merged; null while GitHub is still computing it
 * @param commits number of commits
 * @param additions lines added
 * @param deletions lines deleted
 * @param changedFiles files changed
 * @param comments issue comments (review comments not included)
 * @param reviewComments review comments (on lines of the diff)
 */
public record PullRequestDetails(
    int number,
    boolean merged,
    Boolean mergeable,
    int commits,
    int additions,
    int deletions,
    int changedFiles,
    int comments,
    int reviewComments) {
}
