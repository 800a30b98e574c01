/**
 * The expert of paper §III-A: prosumer optimisation models written in p2pgrid's modelling language,
 * compiled to a convex model and solved; the DSO composes all prosumers with the network's
 * branch-flow constraints and checks the plan with the AC power flow. Plain Java: no actor or DJL
 * imports (the LLM workflow that writes models arrives later and plugs into the same language).
 */
package org.p2pgrid.expert;
