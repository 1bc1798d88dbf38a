/**
 * The JDBC implementation of {@link io.prmonitor.spi.PullRequestStore}: {@link
 * io.prmonitor.jdbc.JdbcPullRequestStore} on JDBI 3 and HikariCP, for H2 and PostgreSQL, and its
 * {@link io.prmonitor.jdbc.JdbcPullRequestStoreProvider} named {@code jdbc}.
 *
 * <p>Only those two and {@link io.prmonitor.jdbc.SchemaScript} are public. Everything behind the façade is
 * package-private in this one package, which hides it on the class path as well as on the module path: the
 * pool ({@code HikariPools}), the unit-of-work runner ({@code JdbcTransactions}) and its failure rules
 * ({@code SqlFailures}, {@code Redaction}), one class per stored area ({@code PullRequestReads},
 * {@code SyncBatchWriter}, {@code JdbcOutbox}, {@code JdbcQuarantine}, {@code JdbcDiscoveryPages},
 * {@code JdbcRepositoryLeases}, {@code JdbcWebhookDeliveries}), the schema ({@code SchemaMigrator} applying each {@code SchemaMigration}) and the
 * SQL and values that differ per database or need encoding ({@code SqlDialect}, {@code EnrichmentSql},
 * {@code SqlValues}).
 */
package io.prmonitor.jdbc;
