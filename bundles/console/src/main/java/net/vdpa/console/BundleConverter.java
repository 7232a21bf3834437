package net.vdpa.console;

import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Turns a bundle id ({@code 18}) or symbolic name ({@code net.vdpa.driver.virtionet}) into a
 * {@link Bundle} for commands such as {@code start}, {@code stop}, {@code update} and
 * {@code uninstall}. The interactive shell bundle carries such a converter; a script run does not
 * start that bundle, so the console registers this one in its place.
 */
final class BundleConverter implements Converter {
  private final BundleContext context;

  BundleConverter(BundleContext context) {
    this.context = context;
  }

  @Override
  public Object convert(Class<?> desiredType, Object in) {
    if (desiredType != Bundle.class || in == null) {
      return null;
    }
    String s = in.toString().trim();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      return context.getBundle(Long.parseLong(s));
    }
    for (Bundle b : context.getBundles()) {
      if (s.equals(b.getSymbolicName())) {
        return b;
      }
    }
    return null;
  }

  @Override
  public CharSequence format(Object target, int level, Converter escape) {
    return null; // formatting stays with Gogo's own converters
  }
}
