package io.prmonitor.spi;

import java.util.Objects;

/** A set of repositories that {@link GitHubClient#discoverRepositories} can list. */
public sealed interface RepositorySelector {

  /** Every repository of an organization: {@code GET /orgs/{org}/repos}. */
  record Organization(String name) implements RepositorySelector {
    public Organization {
      Objects.requireNonNull(name, "null name");
      new RepositoryId(name, "x"); // validates the login
    }
  }

  /** Every repository of a user: {@code GET /users/{user}/repos}. */
  record User(String login) implements RepositorySelector {
    public User {
      Objects.requireNonNull(login, "null login");
      new RepositoryId(login, "x"); // validates the login
    }
  }

  /** Every repository the app installation of the client's credentials can access. */
  record Installation() implements RepositorySelector {
  }
}
