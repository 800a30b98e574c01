/**
 * The DSO of paper §III-A: composition of all prosumers' models with the feeder's linearised branch
 * flow ({@link org.p2pgrid.expert.dso.LinDistFlow}) and the P2P balance (eq 21), the
 * receding-horizon solve from a step t, and the AC security check with band tightening
 * ({@link org.p2pgrid.expert.dso.DsoExpert}) producing a {@link org.p2pgrid.expert.dso.DsoPlan}.
 */
package org.p2pgrid.expert.dso;
