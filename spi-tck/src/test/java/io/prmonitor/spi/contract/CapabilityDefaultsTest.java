package io.prmonitor.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryLeases;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A store that implements only the abstract methods of the SPI has none of the optional capabilities, and a
 * forwarding wrapper offers exactly those of the store it wraps.
 */
class CapabilityDefaultsTest {

  /** A store of the abstract methods only: every default method runs as the SPI defines it. */
  private static PullRequestStore minimalStore() {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      throw new UnsupportedOperationException(method.getName());
    };
    return (PullRequestStore) Proxy.newProxyInstance(PullRequestStore.class.getClassLoader(),
        new Class<?>[] {PullRequestStore.class}, handler);
  }

  @Test
  void leases_default_isEmpty() {
    assertThat(minimalStore().leases()).isEmpty();
  }

  @Test
  void rateLimitBoard_default_isEmpty() {
    assertThat(minimalStore().rateLimitBoard()).isEmpty();
  }

  @Test
  void webhookDeliveries_default_isEmpty() {
    assertThat(minimalStore().webhookDeliveries()).isEmpty();
  }

  @Test
  void forwardingStore_overAMinimalStore_offersNone() {
    PullRequestStore wrapper = wrap(minimalStore());

    assertThat(wrapper.leases()).isEmpty();
    assertThat(wrapper.rateLimitBoard()).isEmpty();
    assertThat(wrapper.webhookDeliveries()).isEmpty();
  }

  @Test
  void forwardingStore_offersTheLeasesOfItsDelegate() {
    RepositoryLeases leases = (RepositoryLeases) Proxy.newProxyInstance(RepositoryLeases.class.getClassLoader(),
        new Class<?>[] {RepositoryLeases.class}, (proxy, method, args) -> {
          throw new UnsupportedOperationException(method.getName());
        });
    PullRequestStore leasing = new ForwardingPullRequestStore() {
      @Override
      protected PullRequestStore delegate() {
        return minimalStore();
      }

      @Override
      public Optional<RepositoryLeases> leases() {
        return Optional.of(leases);
      }
    };

    assertThat(wrap(leasing).leases()).containsSame(leases);
    assertThat(wrap(leasing).rateLimitBoard()).isEmpty();
  }

  private static PullRequestStore wrap(PullRequestStore store) {
    return new ForwardingPullRequestStore() {
      @Override
      protected PullRequestStore delegate() {
        return store;
      }
    };
  }
}
