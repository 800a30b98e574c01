package org.p2pgrid.env.pomdp;

import org.p2pgrid.env.device.ProsumerAction;

/**
 * A policy for all agents. Decentralised execution: agent i's action may depend only on
 * {@code observations[i]} (eq 23) and its own device specification.
 */
@FunctionalInterface
public interface JointPolicy {
    ProsumerAction[] act(double[][] observations);
}
