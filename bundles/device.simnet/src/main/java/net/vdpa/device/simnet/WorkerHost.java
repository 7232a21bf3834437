package net.vdpa.device.simnet;

/** What a {@link QueuePairWorker} reports to its device. */
interface WorkerHost {
  /**
   * A queue's ring broke: the queue has stopped.
   *
   * @param slot the queue
   */
  void ringError(VqSlot slot);

  /**
   * The worker died of an unexpected exception.
   *
   * @param worker the worker
   * @param error what was thrown
   */
  void workerFailed(QueuePairWorker worker, Throwable error);
}
