package io.prmonitor.spi;

/** The repository does not exist, or the credentials cannot see it (GitHub answers 404 for both). */
public class RepositoryNotFoundException extends GitHubException {

  private final RepositoryId repository;

  public RepositoryNotFoundException(RepositoryId repository, int status) {
    super("repository not found: " + repository + " (HTTP " + status + ")", status);
    this.repository = repository;
  }

  /** The repository asked for. */
  public RepositoryId repository() {
    return repository;
  }
}
