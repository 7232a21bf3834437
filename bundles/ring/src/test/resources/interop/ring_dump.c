/*
 * An independent reader of the virtio ring layout: maps a file holding a ring laid out by the Java
 * ring library and prints what linux/virtio_ring.h's structures see in it.
 *
 * usage: ring_dump split FILE NUM BASE_IOVA     (legacy vring_init layout, align 4096)
 *        ring_dump packed FILE NUM DESC_OFF DRIVER_OFF DEVICE_OFF COUNT
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/virtio_ring.h>

static void dump_desc(const char *tag, int i, const struct vring_desc *d) {
  printf("%s %d addr=0x%" PRIx64 " len=%u flags=%u", tag, i, (uint64_t)d->addr, (unsigned)d->len,
         (unsigned)d->flags);
  if (d->flags & VRING_DESC_F_NEXT) printf(" next=%u", (unsigned)d->next);
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  int fd = open(argv[2], O_RDONLY);
  if (fd < 0) { perror("open"); return 2; }
  struct stat st;
  fstat(fd, &st);
  unsigned char *p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 2; }
  unsigned num = (unsigned)strtoul(argv[3], NULL, 0);
  if (strcmp(argv[1], "split") == 0) {
    uint64_t base = strtoull(argv[4], NULL, 0);
    struct vring vr;
    vring_init(&vr, num, p, 4096);
    printf("vring_size %u\n", vring_size(num, 4096));
    printf("avail flags=%u idx=%u used_event=%u\n", (unsigned)vr.avail->flags, (unsigned)vr.avail->idx,
           (unsigned)vring_used_event(&vr));
    for (unsigned a = 0; a < vr.avail->idx; a++) {
      unsigned head = vr.avail->ring[a % num];
      printf("avail ring[%u]=%u\n", a, head);
      unsigned i = head;
      for (unsigned n = 0; n < num; n++) {
        struct vring_desc *d = &vr.desc[i];
        dump_desc("desc", i, d);
        if (d->flags & VRING_DESC_F_INDIRECT) {
          struct vring_desc *t = (struct vring_desc *)(p + (d->addr - base));
          for (unsigned j = 0; j < d->len / sizeof(struct vring_desc); j++) dump_desc(" table", j, &t[j]);
        }
        if (!(d->flags & VRING_DESC_F_NEXT)) break;
        i = d->next;
      }
    }
    printf("used flags=%u idx=%u avail_event=%u\n", (unsigned)vr.used->flags, (unsigned)vr.used->idx,
           (unsigned)vring_avail_event(&vr));
    for (unsigned u = 0; u < vr.used->idx; u++)
      printf("used ring[%u] id=%u len=%u\n", u, (unsigned)vr.used->ring[u % num].id,
             (unsigned)vr.used->ring[u % num].len);
    printf("need_event(5,7,3)=%d need_event(65535,1,65534)=%d need_event(9,7,3)=%d\n",
           vring_need_event(5, 7, 3), vring_need_event(65535, 1, 65534), vring_need_event(9, 7, 3));
  } else {
    unsigned long desc = strtoul(argv[4], NULL, 0), drv = strtoul(argv[5], NULL, 0),
                  dev = strtoul(argv[6], NULL, 0);
    unsigned count = (unsigned)strtoul(argv[7], NULL, 0);
    struct vring_packed_desc *d = (struct vring_packed_desc *)(p + desc);
    for (unsigned i = 0; i < count; i++)
      printf("desc %u addr=0x%" PRIx64 " len=%u id=%u avail=%d used=%d flags=%u\n", i, (uint64_t)d[i].addr,
             (unsigned)d[i].len, (unsigned)d[i].id, !!(d[i].flags & (1 << VRING_PACKED_DESC_F_AVAIL)),
             !!(d[i].flags & (1 << VRING_PACKED_DESC_F_USED)),
             (unsigned)(d[i].flags & ~((1 << VRING_PACKED_DESC_F_AVAIL) | (1 << VRING_PACKED_DESC_F_USED))));
    struct vring_packed_desc_event *e = (struct vring_packed_desc_event *)(p + drv);
    printf("driver event off_wrap=0x%x flags=%u\n", (unsigned)e->off_wrap, (unsigned)e->flags);
    e = (struct vring_packed_desc_event *)(p + dev);
    printf("device event off_wrap=0x%x flags=%u\n", (unsigned)e->off_wrap, (unsigned)e->flags);
  }
  munmap(p, st.st_size);
  close(fd);
  return 0;
}
