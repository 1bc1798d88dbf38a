/**
 * The GitHub client of prmonitor on the JDK HttpClient: {@link io.prmonitor.github.HttpGitHubClient}
 * and its provider {@link io.prmonitor.github.HttpGitHubClientProvider}, registered under the name
 * {@code http}. The only package module {@code io.prmonitor.github} exports: its sub-packages are the
 * client's implementation, public only so that the client can use them across packages.
 */
package io.prmonitor.github;
