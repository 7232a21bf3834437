package net.vdpa.device.smartnic;

/** Where adapters keep what devlink changed, so that it comes back after a restart. */
interface StateStore {
  /** Keeps nothing (tests, benchmarks). */
  StateStore NONE = new StateStore() {
    @Override
    public AdapterState load(String adapter) {
      return AdapterState.fresh(adapter);
    }

    @Override
    public void save(AdapterState state) {}
  };

  /**
   * The state kept for an adapter.
   *
   * @param adapter the PF's PCI address
   * @return its state, fresh if none was kept
   */
  AdapterState load(String adapter);

  /**
   * Keeps a state.
   *
   * @param state the state
   */
  void save(AdapterState state);
}
