/**
 * Solver backends for {@link org.p2pgrid.expert.model.ConvexModel}: the {@link
 * org.p2pgrid.expert.solver.SolverBackend} interface, the {@link org.p2pgrid.expert.solver.Linearizer}
 * (squares → tangent cuts with error bound (h/2)²·q per term; discs → inscribed polygons) and the
 * production LP backend on OR-Tools (HiGHS, fall-backs CLP and GLOP). Failed solves come back as
 * explained statuses, not exceptions, because an LLM reads them.
 */
package org.p2pgrid.expert.solver;
