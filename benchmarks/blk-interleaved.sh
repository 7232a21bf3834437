#!/bin/bash
# Issue 18's figures: 4 KiB random reads and writes through BlockDevice at QD 1 and 32 against FileChannel
# positional I/O of the same file by 1 and 32 threads, interleaved round by round. Each depth twice: a
# submitting thread that waits for a free slot (blockDeviceQdN), and completion-driven, each
# completion submitting the next request on the device's thread (blockDeviceQdNChained, as blk:io).
cd "$(dirname "$0")/.."
exec benchmarks/interleave.py --rounds "${1:-5}" --warmups 3 --iterations 4 "${2:-blk-out}" \
  "blk.BlockDeviceBenchmark.blockDeviceQd1 -p rw=randread" \
  "blk.BlockDeviceBenchmark.blockDeviceQd1Chained -p rw=randread" \
  "blk.BlockDeviceBenchmark.fileChannelThreads1 -p rw=randread" \
  "blk.BlockDeviceBenchmark.blockDeviceQd32 -p rw=randread" \
  "blk.BlockDeviceBenchmark.blockDeviceQd32Chained -p rw=randread" \
  "blk.BlockDeviceBenchmark.fileChannelThreads32 -p rw=randread" \
  "blk.BlockDeviceBenchmark.blockDeviceQd1 -p rw=randwrite" \
  "blk.BlockDeviceBenchmark.blockDeviceQd1Chained -p rw=randwrite" \
  "blk.BlockDeviceBenchmark.fileChannelThreads1 -p rw=randwrite" \
  "blk.BlockDeviceBenchmark.blockDeviceQd32 -p rw=randwrite" \
  "blk.BlockDeviceBenchmark.blockDeviceQd32Chained -p rw=randwrite" \
  "blk.BlockDeviceBenchmark.fileChannelThreads32 -p rw=randwrite"
