package io.prmonitor.spi;

import java.util.Objects;

/**
 * A repository found by discovery, with the attributes discovery filters on.
 *
 * @param id the repository
 * @param archived whether it is archived (read-only)
 * @param fork whether it is a fork
 */
public record RepositoryInfo(RepositoryId id, boolean archived, boolean fork) {

  public RepositoryInfo {
    Objects.requireNonNull(id, "null id");
  }
}
