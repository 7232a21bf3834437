package net.vdpa.driver.vhost;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * What Java 17 cannot do with a received file descriptor, done through junixsocket: its number (to
 * map it through {@code /proc/self/fd/N}), waiting until it is readable ({@code poll(2)} with a
 * timeout, so that a kick thread stops without anyone writing to the frontend's eventfd), and
 * closing it. Also unmapping a mapped buffer at once rather than at the next GC.
 *
 * <p>junixsocket's {@code poll} is package-private; it is reached by reflection once, when this class
 * loads (it is in the same bundle class loader, an unnamed module, so access is allowed). The
 * handles are constants; the calls allocate nothing.
 */
final class Fds {
  /** {@code new AFSelector.PollFd(FileDescriptor)} as {@code (FileDescriptor)Object}. */
  private static final MethodHandle NEW_POLL_FD;
  /** {@code NativeUnixSocket.poll(PollFd, int)} as {@code (Object, int)int}. */
  private static final MethodHandle POLL;
  /** {@code sun.misc.Unsafe.invokeCleaner(ByteBuffer)} bound to the instance, or null. */
  private static final MethodHandle INVOKE_CLEANER;

  static {
    try {
      if (!AFUNIXSocket.isSupported()) {
        throw new IllegalStateException("junixsocket's native library does not load on this platform");
      }
      ClassLoader cl = AFUNIXSocket.class.getClassLoader();
      Class<?> pollFd = Class.forName("org.newsclub.net.unix.AFSelector$PollFd", true, cl);
      Constructor<?> ctor = pollFd.getDeclaredConstructor(FileDescriptor.class);
      ctor.setAccessible(true);
      Class<?> nus = Class.forName("org.newsclub.net.unix.NativeUnixSocket", true, cl);
      Method poll = nus.getDeclaredMethod("poll", pollFd, int.class);
      poll.setAccessible(true);
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      NEW_POLL_FD = lookup.unreflectConstructor(ctor).asType(MethodType.methodType(Object.class, FileDescriptor.class));
      POLL = lookup.unreflect(poll).asType(MethodType.methodType(int.class, Object.class, int.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    MethodHandle cleaner = null;
    try {
      // jdk.unsupported is a boot module: reachable without an OSGi import
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe", false, null);
      java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      cleaner = MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, java.nio.ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      cleaner = null; // mappings then go away with the garbage collector
    }
    INVOKE_CLEANER = cleaner;
  }

  private Fds() {}

  /**
   * The native number of a descriptor.
   *
   * @param fd the descriptor
   * @return its number
   * @throws IOException if it is not valid
   */
  static int number(FileDescriptor fd) throws IOException {
    Integer n = FileDescriptorCast.using(fd).as(Integer.class);
    if (n == null || n < 0) {
      throw new IOException("file descriptor " + fd + " is not valid");
    }
    return n;
  }

  /**
   * A poll set for one descriptor, to pass to {@link #pollIn}.
   *
   * @param fd the descriptor
   * @return an opaque poll set
   */
  static Object pollSet(FileDescriptor fd) {
    try {
      return NEW_POLL_FD.invokeExact(fd);
    } catch (Throwable t) {
      throw new IllegalStateException("cannot build a poll set for " + fd + ": " + t, t);
    }
  }

  /**
   * Waits until the descriptor is readable.
   *
   * @param pollSet from {@link #pollSet}
   * @param timeoutMillis how long to wait at most
   * @return more than 0 if readable, 0 on timeout
   * @throws IOException if poll fails (a closed descriptor)
   */
  static int pollIn(Object pollSet, int timeoutMillis) throws IOException {
    try {
      return (int) POLL.invokeExact(pollSet, timeoutMillis);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("poll failed: " + t, t);
    }
  }

  /**
   * Closes a received descriptor, ignoring errors.
   *
   * @param fd the descriptor, may be null
   */
  static void close(FileDescriptor fd) {
    if (fd == null || !fd.valid()) {
      return;
    }
    try {
      new FileInputStream(fd).close();
    } catch (IOException e) {
      // already closed
    }
  }

  /**
   * Unmaps a mapped buffer now. The caller guarantees nothing reaches it any more (the device was
   * reset, so its IOTLB forgot every view).
   *
   * @param buffer the buffer {@code FileChannel.map} returned (not a view of it)
   * @return true if unmapped now, false if left to the garbage collector
   */
  static boolean unmap(MappedByteBuffer buffer) {
    if (INVOKE_CLEANER == null) {
      return false;
    }
    try {
      INVOKE_CLEANER.invokeExact((java.nio.ByteBuffer) buffer);
      return true;
    } catch (Throwable t) {
      return false;
    }
  }
}
