/**
 * The learner's networks in DJL (PyTorch engine), paper §III-B:
 * {@link org.p2pgrid.learner.nn.GaussianActor} / {@link org.p2pgrid.learner.nn.GaussianActors}
 * (eq 27's Gaussian policies, tanh-squashed into static device limits), the critics
 * {@link org.p2pgrid.learner.nn.MlpCritic} (OP) and {@link org.p2pgrid.learner.nn.AttentionCritic}
 * (OP-MH, differential multi-head attention, eqs 31–34), {@link org.p2pgrid.learner.nn.CriticSet}
 * (double Q, V, Polyak target V, eqs 35–37), {@link org.p2pgrid.learner.nn.Adam} with eager state,
 * and {@link org.p2pgrid.learner.nn.Djl}, the offline/no-tracking/device/thread setup every entry
 * point goes through.
 *
 * <p>NDArray lifetime contract: parameters, optimiser state and constants live in one long-lived
 * "model" manager. Every step creates its inputs in a sub-manager ({@code model.newSubManager()})
 * and closes it at the end; all forward code puts the batch operand FIRST, so every temporary lands
 * in the step manager (DJL attaches an op's result to its first operand's manager), and temporaries
 * that start from a parameter are moved there explicitly. A per-step {@code NDScope} works too:
 * parameters, Adam state and lazily created constants are unregistered from any open scope.
 * {@code LifetimeTest} checks the model manager's array count stays flat.
 *
 * <p>Autograd: DJL's {@code GradientCollector} turns grad mode on for its thread and never zeroes
 * gradients; {@link org.p2pgrid.learner.nn.Adam#step()} zeroes the gradients of what it updates, and
 * {@link org.p2pgrid.learner.nn.Params#zeroGradients()} clears the rest (e.g. Q after the actor pass).
 * Differentiated code never uses Java-number operands (see {@code Consts}).
 */
package org.p2pgrid.learner.nn;
