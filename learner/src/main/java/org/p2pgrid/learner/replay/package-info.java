/**
 * Dual prioritised experience replay (paper §III-B-5, Table II: N_B = 1e5, B = 128, k = 0.8):
 * {@link org.p2pgrid.learner.replay.Transition}, the {@link org.p2pgrid.learner.replay.SumTree},
 * one loss-prioritised shard {@link org.p2pgrid.learner.replay.PrioritizedReplay}, and the
 * normal/violation pair {@link org.p2pgrid.learner.replay.DualReplay} with delayed expert labels and
 * checksummed snapshots for checkpoints. Plain Java: no DJL here; batches expose flat float arrays
 * for the networks.
 */
package org.p2pgrid.learner.replay;
