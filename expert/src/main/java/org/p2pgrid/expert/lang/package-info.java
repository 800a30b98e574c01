/**
 * The prosumer modelling language (paper §III-A: the expert writes each prosumer's optimisation
 * model as code). Reference: {@code expert/LANGUAGE.md}.
 *
 * <p>Pipeline: {@link org.p2pgrid.expert.lang.Program#compile(String)} lexes, parses (hand-written
 * recursive descent) and checks names, shapes and the disciplined-convex-programming rules, throwing
 * one {@link org.p2pgrid.expert.lang.ModelException} that lists every
 * {@link org.p2pgrid.expert.lang.Diagnostic} found ({@code line:col: rule: message in `snippet` —
 * hint: ...}). The resulting {@code Program} is immutable and is
 * {@link org.p2pgrid.expert.lang.Program#place placed} into a solver-neutral
 * {@link org.p2pgrid.expert.model.ConvexModel} as often as needed with fresh
 * {@link org.p2pgrid.expert.lang.Bindings} (param values and horizon), giving a
 * {@link org.p2pgrid.expert.lang.PlacedProsumerModel} with the exported expressions.
 *
 * <p>{@link org.p2pgrid.expert.lang.ReferenceModels} holds the five Table I reference models (as
 * {@code .p2pm} resources); {@link org.p2pgrid.expert.lang.ReferenceModelFactory} binds the standard
 * params from env's specs/state and a {@link org.p2pgrid.expert.model.ProsumerForecast}, for those or
 * for any other program.
 *
 * <p>Programs are data: they are interpreted, never turned into Java, and cannot reach files, the
 * network or the JVM; {@link org.p2pgrid.expert.lang.Limits} bounds their size and cost.
 */
package org.p2pgrid.expert.lang;
