/**
 * The GitHub client of prmonitor on the JDK HttpClient: {@link io.prmonitor.github.HttpGitHubClient}
 * and its provider {@link io.prmonitor.github.HttpGitHubClientProvider}, registered under the name
 * {@code http}. The sub-packages are implementation details of the client, public only so that the
 * client can use them across packages; their API may change without notice.
 */
package io.prmonitor.github;
