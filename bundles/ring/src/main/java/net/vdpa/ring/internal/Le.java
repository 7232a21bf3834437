package net.vdpa.ring.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian views of off-heap memory: the {@link VarHandle}s every ring uses to read and write
 * its layout, so that the byte order and the access mode of each load and store are explicit.
 *
 * <p>Plain accesses ({@code get}/{@code set}) work at any index; acquire and release accesses
 * ({@code getAcquire}/{@code setRelease}) need an index aligned to the access size, which the ring
 * layouts guarantee (the queues check alignment when they translate their areas).
 */
public final class Le {
  /** Unsigned 16-bit fields: ring indices, flags, {@code next}, buffer ids. */
  public static final VarHandle U16 =
      MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  /** 32-bit fields: lengths and used ids. */
  public static final VarHandle U32 =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** 64-bit fields: descriptor addresses. */
  public static final VarHandle U64 =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Le() {}
}
