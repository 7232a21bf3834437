package net.vdpa.ring.mem;

/**
 * What the device may do with a mapped range, as in the vhost IOTLB ({@code VHOST_ACCESS_RO},
 * {@code VHOST_ACCESS_WO}, {@code VHOST_ACCESS_RW}).
 */
public enum Permission {
  /** The device may read, never write (buffers the driver sends). */
  READ_ONLY(true, false),
  /** The device may write, never read (buffers the driver receives into). */
  WRITE_ONLY(false, true),
  /** The device may read and write. */
  READ_WRITE(true, true);

  private final boolean read;
  private final boolean write;

  Permission(boolean read, boolean write) {
    this.read = read;
    this.write = write;
  }

  /**
   * Whether reading is allowed.
   *
   * @return true for {@link #READ_ONLY} and {@link #READ_WRITE}
   */
  public boolean allowsRead() {
    return read;
  }

  /**
   * Whether writing is allowed.
   *
   * @return true for {@link #WRITE_ONLY} and {@link #READ_WRITE}
   */
  public boolean allowsWrite() {
    return write;
  }
}
