package net.vdpa.shell;

import org.osgi.framework.Bundle;

/**
 * What the shell says when a service a command needs is not there: one line naming the service and
 * the state of the bundle that provides it, so the user knows whether to {@code start} it, look at
 * its component, or install it.
 */
final class Absence {
  private Absence() {}

  /**
   * The line for a missing service.
   *
   * @param what the service as users know it ({@code the vDPA bus})
   * @param bsn the symbolic name of the bundle that provides it
   * @param bundles the installed bundles
   * @return for example {@code the vDPA bus is not running (bundle net.vdpa.bus is RESOLVED)}
   */
  static String message(String what, String bsn, Bundle[] bundles) {
    int state = 0;
    for (Bundle b : bundles) {
      if (bsn.equals(b.getSymbolicName())) {
        state = Math.max(state, b.getState()); // of several versions, the most alive one
      }
    }
    return message(what, bsn, state);
  }

  /**
   * The line for a missing service, given the provider's bundle state.
   *
   * @param state the bundle's {@link Bundle#getState()}, or 0 if it is not installed
   */
  static String message(String what, String bsn, int state) {
    return what + " is not running (bundle " + bsn + switch (state) {
      case 0 -> " is not installed)";
      case Bundle.INSTALLED -> " is INSTALLED: its imports are not resolved)";
      case Bundle.RESOLVED -> " is RESOLVED)";
      case Bundle.STARTING -> " is STARTING)";
      case Bundle.STOPPING -> " is STOPPING)";
      case Bundle.ACTIVE -> " is ACTIVE but its component is not: see scr:info)";
      default -> " is in state " + state + ")";
    };
  }
}
