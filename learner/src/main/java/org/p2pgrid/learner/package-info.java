/**
 * The learner of paper §III-B: Gaussian actors per agent, double-Q / V / target-V critics (OP: MLP;
 * OP-MH: differential multi-head attention, eqs 31–34), the Wasserstein-2 imitation constraint with
 * Lagrange multipliers (eqs 27–30, 38–40), and the dual prioritised replay (normal / violation
 * shards) it samples k : (1 − k). DJL (PyTorch engine) runs the networks, strictly offline.
 */
package org.p2pgrid.learner;
