/* Recorded with: gcc -o rec iproute2-json_writer-driver.c lib/json_writer.c (iproute2 HEAD ee2a4a8, 2026-06-28), ./rec > iproute2-json_writer.out */
/* Drives iproute2's own lib/json_writer.c the way vdpa.c does for `vdpa -jp mgmtdev show`,
   `vdpa -jp dev show` (empty section after a kernel error) and `ip -jp link` (top-level array). */
#include <stdio.h>
#include <stdbool.h>
#include "json_writer.h"
static void mgmtdev(bool pretty) {
  json_writer_t *w = jsonw_new(stdout); jsonw_pretty(w, pretty);
  jsonw_start_object(w); jsonw_name(w, "mgmtdev"); jsonw_start_object(w);
  jsonw_name(w, "vdpasim_net"); jsonw_start_object(w);
  jsonw_name(w, "supported_classes"); jsonw_start_array(w); jsonw_string(w, "net"); jsonw_end_array(w);
  jsonw_uint_field(w, "max_supported_vqs", 3);
  jsonw_name(w, "dev_features"); jsonw_start_array(w);
  const char *f[] = {"MTU","MAC","CTRL_VQ","CTRL_MAC_ADDR","ANY_LAYOUT","VERSION_1","ACCESS_PLATFORM"};
  for (int i = 0; i < 7; i++) jsonw_string(w, f[i]);
  jsonw_end_array(w);
  jsonw_end_object(w); jsonw_end_object(w); jsonw_end_object(w); jsonw_destroy(&w);
}
static void empty(bool pretty) {
  json_writer_t *w = jsonw_new(stdout); jsonw_pretty(w, pretty);
  jsonw_start_object(w); jsonw_name(w, "dev"); jsonw_start_object(w); jsonw_end_object(w); jsonw_end_object(w);
  jsonw_destroy(&w);
}
static void links(bool pretty) {
  json_writer_t *w = jsonw_new(stdout); jsonw_pretty(w, pretty);
  jsonw_start_array(w);
  jsonw_start_object(w); jsonw_string_field(w, "ifname", "enp3s0f0np0");
  jsonw_name(w, "flags"); jsonw_start_array(w); jsonw_end_array(w); jsonw_bool_field(w, "up", true); jsonw_null_field(w, "n");
  jsonw_end_object(w);
  jsonw_start_object(w); jsonw_string_field(w, "ifname", "x\t\"y\\"); jsonw_end_object(w);
  jsonw_end_array(w); jsonw_destroy(&w);
}
int main(void) { mgmtdev(true); mgmtdev(false); empty(true); empty(false); links(true); links(false); return 0; }
