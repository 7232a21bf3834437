package net.vdpa.webconsole;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.webconsole.ClassService.Counters;

/**
 * What the page shows, kept up to date: the class services drivers published, the rate history,
 * and the open event streams. One thread of its own builds and pushes the picture after each bus
 * event (Event Admin's thread only hands the work over) and reads the counters once a second; so
 * the sampler's state is confined to that thread, and the maps the service callbacks fill are
 * concurrent.
 */
final class LiveState {
  private final VdpaBus bus;
  /** Class services by service object; written by DS callbacks, read by the worker and requests. */
  private final Map<Object, ClassService> services = new ConcurrentHashMap<>();
  private final List<VdpaMgmtDevice> mgmtdevs = new CopyOnWriteArrayList<>();
  /** Confined to the worker thread. */
  private final RateSampler sampler = new RateSampler();
  /** The last rates the worker computed, and the same as JSON; read by requests. */
  private volatile Rates rates = new Rates(Map.of(), Json.write(Map.of()));
  private final EventStream stream = new EventStream();
  private final ScheduledExecutorService worker;

  LiveState(VdpaBus bus) {
    this.bus = bus;
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vdpa-webconsole");
      t.setDaemon(true);
      return t;
    });
    worker.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
  }

  /** Stops the worker and ends every open stream. */
  void close() {
    worker.shutdownNow();
    stream.closeAll();
  }

  /** A bus event arrived: push a new picture to every open stream. */
  void busChanged() {
    try {
      worker.execute(() -> stream.publish("bus", pictureJson()));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: nobody is listening any more
    }
  }

  void add(Object service, ClassService cls) {
    services.put(service, cls);
    busChanged();
  }

  void remove(Object service) {
    services.remove(service);
    busChanged();
  }

  void addMgmtdev(VdpaMgmtDevice m) {
    mgmtdevs.add(m);
  }

  void removeMgmtdev(VdpaMgmtDevice m) {
    mgmtdevs.remove(m);
  }

  /** The management device of a handle, or null. */
  VdpaMgmtDevice mgmtdev(String handle) {
    for (VdpaMgmtDevice m : mgmtdevs) {
      if (m.handle().equals(handle)) {
        return m;
      }
    }
    return null;
  }

  EventStream stream() {
    return stream;
  }

  /** Rates as the page reads them, and as JSON text (written once, sent to every stream). */
  private record Rates(Map<String, Object> values, String json) {}

  /** The picture from the bus's state now. */
  private Map<String, Object> picture() {
    Map<String, List<ClassService>> byDevice = new HashMap<>();
    for (ClassService s : services.values()) {
      byDevice.computeIfAbsent(s.device(), k -> new ArrayList<>()).add(s);
    }
    return BusView.picture(bus.state(), byDevice);
  }

  /** The picture as JSON, from the bus's state now. */
  String pictureJson() {
    return Json.write(picture());
  }

  /** {@code state.json}: the picture and the rates. */
  String stateJson() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("bus", picture());
    state.put("rates", rates.values());
    return Json.write(state);
  }

  /** What a new stream gets first: the picture and the rates now. */
  String firstFrames() {
    return EventStream.frame("bus", pictureJson()) + EventStream.frame("rates", rates.json());
  }

  private void sample() {
    try {
      Map<String, Counters> now = new LinkedHashMap<>();
      for (ClassService s : services.values()) {
        s.counters().ifPresent(c -> now.merge(s.device(), c,
            (a, b) -> new Counters(a.packets() + b.packets(), a.bytes() + b.bytes())));
      }
      sampler.sample(now, System.nanoTime());
      Map<String, Object> values = sampler.ratesJson();
      rates = new Rates(values, Json.write(values));
      stream.publish("rates", rates.json());
    } catch (RuntimeException e) {
      // a class service going away under the reading: the next second reads again without it
    }
  }
}
