/**
 * The contracts between prmonitor's core and its plug-ins: a {@link io.prmonitor.spi.GitHubClient}
 * that reads pull requests, a {@link io.prmonitor.spi.PullRequestStore} that keeps them with a change
 * outbox, {@link io.prmonitor.spi.ChangeListener}s that receive changes, the value types they exchange,
 * and the exceptions they throw. Plug-ins are created by providers found with
 * {@link java.util.ServiceLoader}. This package depends on the JDK only.
 */
package io.prmonitor.spi;
