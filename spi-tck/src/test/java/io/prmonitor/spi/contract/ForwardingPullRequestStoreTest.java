package io.prmonitor.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.PullRequestStore;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingPullRequestStoreTest {

  @Test
  void forwardsEveryMethodOfTheSpi_defaultsIncluded() throws NoSuchMethodException {
    List<Method> spi = Arrays.stream(PullRequestStore.class.getMethods())
        .filter(m -> !m.isSynthetic() && !java.lang.reflect.Modifier.isStatic(m.getModifiers())).toList();

    for (Method method : spi) {
      Method implementation = ForwardingPullRequestStore.class.getMethod(method.getName(), method.getParameterTypes());
      assertThat(implementation.getDeclaringClass()).as("%s", method).isEqualTo(ForwardingPullRequestStore.class);
    }
    assertThat(spi).extracting(Method::getName).contains("hasPullRequests", "close");
  }
}
