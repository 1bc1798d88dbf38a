package io.prmonitor.core.plugin;

import io.prmonitor.spi.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Chooses a plug-in provider found with {@link ServiceLoader}: the one named in the configuration if a
 * name is given, else the only one found. None found, or several with no name given, is a
 * {@link ConfigurationException} that lists the names found, so a stray provider on the class path
 * can never be picked up silently.
 */
public final class ProviderResolver {

  private ProviderResolver() {
  }

  /**
   * Resolves a provider.
   *
   * @param type the provider interface
   * @param requestedName the configured name, or null
   * @param nameOf reads a provider's name
   * @param classLoader where to look
   * @param configHint the configuration setting that names a provider, for messages
   * @throws ConfigurationException if no provider, or more than one, fits
   */
  public static <P> P resolve(Class<P> type, String requestedName, Function<P, String> nameOf,
      ClassLoader classLoader, String configHint) {
    List<P> found = new ArrayList<>();
    for (P provider : ServiceLoader.load(type, classLoader)) {
      found.add(provider);
    }
    List<String> names = found.stream().map(nameOf).toList();
    if (requestedName != null) {
      List<P> matching = found.stream().filter(p -> nameOf.apply(p).equals(requestedName)).toList();
      if (matching.size() == 1) {
        return matching.get(0);
      }
      throw new ConfigurationException(matching.isEmpty()
          ? "no " + type.getSimpleName() + " named '" + requestedName + "' on the class path; found " + names
          : "several " + type.getSimpleName() + "s are named '" + requestedName + "': "
              + matching.stream().map(p -> p.getClass().getName()).toList());
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      throw new ConfigurationException("no " + type.getSimpleName() + " found on the class path; add one "
          + "(a prmonitor module or your own, registered in META-INF/services/" + type.getName()
          + ") or pass an instance to PRMonitor.builder()");
    }
    throw new ConfigurationException("several " + type.getSimpleName() + "s found on the class path: " + names
        + "; choose one with " + configHint + "(name) or pass an instance to PRMonitor.builder()");
  }
}
