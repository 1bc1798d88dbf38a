/**
 * The JDBC implementation of {@link io.prmonitor.spi.PullRequestStore}: {@link
 * io.prmonitor.jdbc.JdbcPullRequestStore} on JDBI 3 and HikariCP, for H2 and PostgreSQL, and its
 * {@link io.prmonitor.jdbc.JdbcPullRequestStoreProvider} named {@code jdbc}.
 */
package io.prmonitor.jdbc;
