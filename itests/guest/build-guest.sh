#!/usr/bin/env bash
# Builds a small Linux guest for the vhost-user interop test: a Debian 6.1 kernel (apt-get download,
# unpacked with dpkg-deb), its virtio modules and busybox in an initramfs whose init brings eth0 up,
# sends ARP requests and UDP datagrams through the device (a loopback wire brings them back), prints
# the interface counters, resets the device from the guest (virtio_net unbind and bind), does it
# again, and powers off. With vdpa.test=blk on its command line it drives a vhost-user-blk disk
# instead: writes a known pattern to /dev/vda, syncs, drops its caches, reads it back and compares.
# With vdpa.test=ping it takes 10.0.2.15/24 and pings 10.0.2.2 (an echo responder behind a port,
# reached through -netdev dgram or stream), prints how many answers came back, and powers off.
# Usage: build-guest.sh [OUT_DIR]   (default ${VDPA_GUEST_DIR:-$HOME/.cache/vdpa-guest})
# Needs: apt-get (download only), dpkg-deb, busybox-static, cpio, gzip. Reuses OUT_DIR when complete.
set -euo pipefail
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"   # the JVM's user.home, as the test reads it
out="${1:-${VDPA_GUEST_DIR:-$home/.cache/vdpa-guest}}"
# a guest built by this very script is reused; a changed script builds it again
stamp=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/built-by" 2>/dev/null)" = "$stamp" ]; then
  echo "guest ready in $out"
  exit 0
fi
for tool in dpkg-deb cpio gzip; do
  command -v "$tool" >/dev/null || { echo "build-guest: $tool is missing" >&2; exit 1; }
done
busybox=/bin/busybox
[ -x "$busybox" ] && "$busybox" --list | grep -x arping >/dev/null || { echo "build-guest: busybox-static (with arping) is missing" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1)
[ -n "$pkg" ] || { echo "build-guest: no linux-image-6.1.0-*-amd64 in apt's lists (run apt-get update)" >&2; exit 1; }
(cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1)
dpkg-deb -x "$work"/linux-image-*.deb "$work/k"
kver=$(ls "$work/k/lib/modules")

root="$work/root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,lib/modules,tmp}
cp "$busybox" "$root/bin/busybox"
for applet in sh mount insmod ip cat sleep echo arping ping arp poweroff ls readlink basename grep yes head dd cmp sync; do ln -s busybox "$root/bin/$applet"; done
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net virtio_blk; do
  f=$(find "$work/k/lib/modules/$kver" -name "$m.ko*" | head -1)
  [ -n "$f" ] || { echo "build-guest: module $m not in $pkg" >&2; exit 1; }
  case "$f" in
    *.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
    *) cp "$f" "$root/lib/modules/$m.ko" ;;
  esac
done
cat > "$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
if grep -q 'vdpa.test=blk' /proc/cmdline; then
  for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
    insmod /lib/modules/$m.ko || echo "GUEST insmod $m failed"
  done
  n=0
  while [ ! -e /sys/block/vda ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
  echo "GUEST blk sectors $(cat /sys/block/vda/size) ro $(cat /sys/block/vda/ro)"
  # 1 MiB of a known pattern at 1 MiB into the disk; the host compares its backing file
  yes vdpa-blk-pattern-0123456789abcdef | head -c 1048576 > /tmp/pattern
  dd if=/tmp/pattern of=/dev/vda bs=4096 seek=256 conv=fsync 2>/dev/null
  sync
  echo 3 > /proc/sys/vm/drop_caches
  dd if=/dev/vda of=/tmp/back bs=4096 skip=256 count=256 2>/dev/null
  if cmp -s /tmp/pattern /tmp/back; then echo "GUEST blk readback ok"; else echo "GUEST blk readback differs"; fi
  echo "GUEST done"
  poweroff -f
fi
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net; do
  insmod /lib/modules/$m.ko || echo "GUEST insmod $m failed"
done
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
# the host reads its own counters when the guest prints its, then answers on the console
stats() {
  echo "GUEST $1 tx $(cat /sys/class/net/eth0/statistics/tx_packets) rx $(cat /sys/class/net/eth0/statistics/rx_packets)"
  read -t 60 ack
}
# no IPv6: its autoconfiguration would send frames at moments of its own choosing
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
echo "GUEST up mac $(cat /sys/class/net/eth0/address) carrier $(cat /sys/class/net/eth0/carrier)"
if grep -q 'vdpa.test=ping' /proc/cmdline; then
  # ARP and echo through the real network stack: busybox ping prints "N packets received"
  got=$(ping -c 5 -W 2 10.0.2.2 2>&1 | grep -o '[0-9]* packets received' | grep -o '^[0-9]*')
  echo "GUEST ping received ${got:-0} of 5"
  echo "GUEST done"
  poweroff -f
fi
traffic() {
  # ARP requests (broadcast), then 200 pings to a neighbour that has our own MAC: a loopback wire
  # behind the device brings every frame back (the guest drops the echo requests, but counts them)
  arping -c 2 -w 2 -I eth0 10.0.2.2 >/dev/null 2>&1
  arp -s 10.0.2.2 "$(cat /sys/class/net/eth0/address)"

  ping -q -c 200 -i 0.01 -W 1 10.0.2.2 >/dev/null 2>&1
}
traffic
stats sent
# a guest-side device reset: virtio_net lets go of the device and takes it again
dev=$(basename "$(readlink /sys/class/net/eth0/device)")
echo "$dev" > /sys/bus/virtio/drivers/virtio_net/unbind
echo "$dev" > /sys/bus/virtio/drivers/virtio_net/bind
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
traffic
stats reset
echo "GUEST done"
poweroff -f
INIT
chmod +x "$root/init"
mkdir -p "$out"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initramfs.cpio.gz.tmp"
cp "$work/k/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "$stamp" > "$out/built-by"
echo "guest ready in $out ($pkg)"
