/**
 * The expert's structured knowledge base (paper §III-A, issue 3 "Knowledge base and reference models").
 *
 * <ul>
 *   <li>{@code knowledge-base.json} (resource {@link org.p2pgrid.expert.kb.KnowledgeBase#RESOURCE}): devices
 *       (CDG, PV, WT, RDG inverter, BESS, CL, LOAD) with parameters (standard param name, unit, sign, env
 *       field), variables (shape, bounds, unit), constraints and cost terms as modelling-language code
 *       with paper equation numbers; the objective (eq 14) with its market components GRID (eq 15) and
 *       P2P (eq 19); the balance (eqs 9-10); the exports (P_EX, Q_EX, P_P2P, action.*); the Table I
 *       prosumer types; how to assemble a model; and LANGUAGE.md split into retrievable entries.</li>
 *   <li>{@link org.p2pgrid.expert.kb.KnowledgeBase}: typed, validated view (errors name the JSON path);
 *       {@code entries()} are the (id, title, tags, text) chunks for retrieval (RAG).</li>
 *   <li>{@link org.p2pgrid.expert.kb.ModelAssembler}: builds a type's reference model from the knowledge
 *       base, byte-identical to {@code models/<type>.p2pm} (kept as the human-readable copies;
 *       regenerate them with {@code ModelAssembler.main} after editing the knowledge base).</li>
 * </ul>
 */
package org.p2pgrid.expert.kb;
