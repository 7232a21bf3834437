package net.vdpa.api.net;

/**
 * What a received frame's reported hash covers: the {@code hash_report} field of {@code struct
 * virtio_net_hdr_v1_hash} (virtio 1.2 §5.1.6.4.3, {@code VIRTIO_NET_HASH_REPORT_*}). {@link #NONE}
 * means no hash was computed (HASH_REPORT not negotiated, no hash configured yet, or a frame of no
 * enabled kind) and the hash value is meaningless.
 */
public enum HashReport {
  /** No hash. */
  NONE,
  /** IPv4 source and destination addresses. */
  IPV4,
  /** IPv4 addresses and TCP ports. */
  TCPV4,
  /** IPv4 addresses and UDP ports. */
  UDPV4,
  /** IPv6 source and destination addresses. */
  IPV6,
  /** IPv6 addresses and TCP ports. */
  TCPV6,
  /** IPv6 addresses and UDP ports. */
  UDPV6,
  /** IPv6 addresses, extension headers considered. */
  IPV6_EX,
  /** IPv6 addresses and TCP ports, extension headers considered. */
  TCPV6_EX,
  /** IPv6 addresses and UDP ports, extension headers considered. */
  UDPV6_EX;

  private static final HashReport[] BY_CODE = values();

  /**
   * The spec's code of this kind, as written in {@code hash_report}.
   *
   * @return 0 ({@code NONE}) to 9 ({@code UDPv6_EX})
   */
  public int code() {
    return ordinal();
  }

  /**
   * The kind of a {@code hash_report} code; codes the spec does not define read as {@link #NONE}.
   *
   * @param code the header's value
   * @return the kind
   */
  public static HashReport of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : NONE;
  }
}
