/*
 * A disassembler plugin for HotSpot's -XX:+PrintAssembly and -XX:CompileCommand=print, over the
 * Capstone library (Debian: libcapstone-dev). The JDK does not ship one, and Debian's
 * libhsdis0-fcml exports only the entry point JDKs before 13 called, so JDK 17 prints raw bytes
 * with it. HotSpot calls decode_instructions_virtual once per code blob and wants, per instruction,
 * an "insn" event at its address, the text through printf_callback, and a "/insn" event at the next
 * address (where it prints its own annotations: source lines, oops, calls); it returns the address
 * after the last instruction decoded. AT&T syntax, as HotSpot's own stubs are commented.
 *
 * Build and install: benchmarks/hsdis/build-hsdis.sh (see benchmarks/README.md, "Reading the
 * compiled code").
 */
#include <capstone/capstone.h>
#include <stdint.h>

void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer,
                                  uintptr_t length, void* (*event_callback)(void*, const char*, void*),
                                  void* event_stream,
                                  int (*printf_callback)(void*, const char*, ...), void* printf_stream,
                                  const char* options, int newline) {
  (void) options;
  csh handle;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
    return (void*) start_va;
  }
  cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
  /* bytes that decode to no instruction (constants between stubs) are shown as data, not a stop */
  cs_option(handle, CS_OPT_SKIPDATA, CS_OPT_ON);
  cs_insn* insn = cs_malloc(handle);
  if (insn == NULL) {
    cs_close(&handle);
    return (void*) start_va;
  }
  const uint8_t* code = buffer;
  size_t left = length;
  uint64_t address = start_va;
  while (address < end_va) {
    const uint64_t at = address;
    if (!cs_disasm_iter(handle, &code, &left, &address, insn)) {
      break; /* the buffer ended inside an instruction */
    }
    event_callback(event_stream, "insn", (void*) (uintptr_t) at);
    printf_callback(printf_stream, "%-8s %s", insn->mnemonic, insn->op_str);
    event_callback(event_stream, "/insn", (void*) (uintptr_t) address);
    if (newline) {
      printf_callback(printf_stream, "\n");
    }
  }
  cs_free(insn, 1);
  cs_close(&handle);
  return (void*) (uintptr_t) address;
}
