package io.prmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Repository threads block in JDBC drivers' synchronized code: platform threads where that pins a carrier. */
class RepositoryThreadsTest {

  @Test
  void repositoryThreads_beforeJdk24_arePlatformThreads() {
    Thread thread = PRProcessor.repositoryThreads("sync-", 21).newThread(() -> { });

    assertThat(thread.isVirtual()).isFalse();
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getName()).isEqualTo("sync-0");
  }

  @Test
  void repositoryThreads_fromJdk24_areVirtualThreads() {
    Thread thread = PRProcessor.repositoryThreads("sync-", 24).newThread(() -> { });

    assertThat(thread.isVirtual()).isTrue();
    assertThat(thread.getName()).isEqualTo("sync-0");
  }
}
