/**
 * prmonitor's JDBC store on JDBI 3 and HikariCP: {@link io.prmonitor.jdbc.JdbcPullRequestStore} and its
 * provider, named {@code jdbc}, for H2 and PostgreSQL.
 */
// The API boundary of prmonitor's modules: each module exports its API packages only, and every package
// not named in an "exports" line is internal, unreachable from other modules on the module path. A new
// internal package (io.prmonitor.jdbc.anything) needs no line here; a new API package needs an "exports"
// line and a README note (section Modules). The jar keeps working on the class path, where the boundary is
// not enforced (META-INF/services registers the provider there).
//
// No "requires" for the JDBC drivers: the store never names a driver's class; java.sql's DriverManager finds
// the host's driver as a service (java.sql.Driver), so H2 and PostgreSQL stay optional dependencies in the
// pom and the host adds the one it uses.
module io.prmonitor.jdbc {
  // in the API: JdbcPullRequestStore.create(DataSource, ...)
  requires transitive io.prmonitor.spi;
  requires transitive java.sql;
  requires org.jdbi.v3.core;
  // JDBI, an automatic module, needs geantyref at run time but cannot declare it; this line puts geantyref (an
  // explicit module, which an automatic one does not pull in) in a module-path host's module graph
  requires io.leangen.geantyref;
  requires com.zaxxer.hikari;
  requires org.slf4j;

  exports io.prmonitor.jdbc;

  provides io.prmonitor.spi.PullRequestStoreProvider with io.prmonitor.jdbc.JdbcPullRequestStoreProvider;
}
