package net.vdpa.device.core;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The workers a device kind created at DRIVER_OK ({@link VirtioDevice#startWorkers}).
 *
 * @param all every worker
 * @param byQueue the worker that serves each queue index (null where none), for kicks
 */
@ProviderType
public record Workers(QueueWorker[] all, QueueWorker[] byQueue) {}
