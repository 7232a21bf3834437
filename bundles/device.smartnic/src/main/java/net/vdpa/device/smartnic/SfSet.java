package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.devlink.PortFlavour;
import net.vdpa.api.log.EventLog;
import net.vdpa.device.core.DeviceTable;

/**
 * An adapter's SFs: by SF number, each with its devlink port index and the auxiliary index that
 * names its management device ({@code auxiliary/smartnic.sf.N}). Guarded by the adapter's lock.
 */
final class SfSet {
  private final String adapter;
  private final AdapterConfig config;
  private final ESwitch eswitch;
  private final Registrar registrar;
  private final DeviceTable.Publisher publisher;
  private final AuxIndexes aux;
  private final EventLog log;
  /** SFs by SF number. */
  private final Map<Integer, NicFunction> sfs = new TreeMap<>();
  /** The auxiliary index of each SF, by SF number. */
  private final Map<Integer, Integer> sfAux = new TreeMap<>();

  SfSet(String adapter, AdapterConfig config, ESwitch eswitch, Registrar registrar,
      DeviceTable.Publisher publisher, AuxIndexes aux, EventLog log) {
    this.adapter = adapter;
    this.config = config;
    this.eswitch = eswitch;
    this.registrar = registrar;
    this.publisher = publisher;
    this.aux = aux;
    this.log = log;
  }

  Collection<NicFunction> list() {
    return sfs.values();
  }

  /** Brings back the kept SFs (those over the maximum or with a taken number are left out). */
  void restore(List<AdapterState.Sf> kept) {
    for (AdapterState.Sf sf : kept) {
      if (sfs.size() < config.maxSfs() && !sfs.containsKey(sf.sfnum())) {
        NicFunction f = create(sf.sfnum(), sf.portIndex(), aux.claim(sf.aux()));
        f.setHwAddr(sf.hwAddr());
        if (sf.state() == FunctionState.ACTIVE) {
          f.setState(FunctionState.ACTIVE);
          f.registered(registrar.register(f));
        }
      }
    }
  }

  /** Adds an SF, inactive, at the lowest free port index from {@link Adapter#FIRST_SF_PORT_INDEX}. */
  NicFunction add(int pfnum, int sfnum) {
    AdapterConfig.range("pfnum", pfnum, 0, 0);
    AdapterConfig.range("sfnum", sfnum, 0, Adapter.MAX_SFNUM);
    if (sfs.containsKey(sfnum)) {
      throw new IllegalArgumentException("sfnum " + sfnum + " is in use on " + adapter + " (port " + adapter + "/"
          + sfs.get(sfnum).portIndex() + ")");
    }
    if (sfs.size() >= config.maxSfs()) {
      throw new IllegalStateException(adapter + " has " + sfs.size() + " SFs, its maximum (max_sfs " + config.maxSfs() + ")");
    }
    int index = Adapter.FIRST_SF_PORT_INDEX;
    while (portIndexUsed(index)) {
      index++;
    }
    NicFunction f = create(sfnum, index, aux.next());
    log.info("adapter " + adapter + ": SF " + sfnum + " added as port " + adapter + "/" + index);
    return f;
  }

  private boolean portIndexUsed(int index) {
    for (NicFunction f : sfs.values()) {
      if (f.portIndex() == index) {
        return true;
      }
    }
    return false;
  }

  private NicFunction create(int sfnum, int portIndex, int auxIndex) {
    NicFunction f = new NicFunction(PortFlavour.PCISF, sfnum, portIndex, "auxiliary/smartnic.sf." + auxIndex,
        config.queuePairs(), eswitch, publisher, log);
    sfs.put(sfnum, f);
    sfAux.put(sfnum, auxIndex);
    return f;
  }

  /** Deletes an SF that carries no device (the caller checked). */
  void delete(NicFunction f) {
    sfs.remove(f.number());
    aux.release(sfAux.remove(f.number()));
    f.unregister();
    f.close();
  }

  /** What is kept of the SFs. */
  List<AdapterState.Sf> kept() {
    List<AdapterState.Sf> kept = new ArrayList<>();
    for (NicFunction f : sfs.values()) {
      kept.add(new AdapterState.Sf(f.number(), f.portIndex(), sfAux.get(f.number()), f.hwAddr(), f.state()));
    }
    return kept;
  }

  /** Forgets every SF and gives their auxiliary indices back (the adapter closed their devices). */
  void clear() {
    for (int sfnum : sfAux.keySet()) {
      aux.release(sfAux.get(sfnum));
    }
    sfs.clear();
    sfAux.clear();
  }
}
