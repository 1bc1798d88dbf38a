package io.prmonitor.jdbc;

/**
 * Prints the DDL of the JDBC store's newest schema for a database administrator:
 * {@code java -cp <prmonitor-jdbc-store and its dependencies> io.prmonitor.jdbc.SchemaScript postgresql}. Apply
 * it, then start the stores with the store property {@code migrate=false}.
 */
public final class SchemaScript {

  private SchemaScript() {
  }

  /**
   * Prints {@link JdbcPullRequestStore#schemaScript(String)} of the database named by the only argument.
   *
   * @param args {@code h2} or {@code postgresql}
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: SchemaScript h2|postgresql");
      System.exit(2);
    }
    try {
      System.out.print(JdbcPullRequestStore.schemaScript(args[0]));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }
}
