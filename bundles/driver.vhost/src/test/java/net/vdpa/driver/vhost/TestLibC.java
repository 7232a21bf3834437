package net.vdpa.driver.vhost;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** What a hostile frontend in the tests needs beyond the backend's calls: memfds, truncation, eventfds. */
final class TestLibC {
  static {
    Native.register(TestLibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
  }

  static final int MFD_CLOEXEC = 0x1;
  static final int MFD_ALLOW_SEALING = 0x2;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;

  private TestLibC() {}

  static native int memfd_create(String name, int flags);

  static native int ftruncate(int fd, long length);

  static native int eventfd(int initval, int flags);

  static native int open(String path, int flags);

  static native int dup(int fd);

  static native int close(int fd);
}
