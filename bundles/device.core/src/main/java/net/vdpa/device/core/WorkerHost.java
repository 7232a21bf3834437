package net.vdpa.device.core;

/** What a {@link QueueWorker} reports to its device ({@link VirtioDevice} is one). */
interface WorkerHost {
  /**
   * A queue's ring broke: the queue has stopped (its worker marked it broken).
   *
   * @param slot the queue
   */
  void ringError(VqSlot<?> slot);

  /**
   * A worker died of an unexpected exception.
   *
   * @param worker the worker
   * @param error what was thrown
   */
  void workerFailed(QueueWorker worker, Throwable error);
}
