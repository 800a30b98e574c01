/**
 * Converters between the protocol's wire messages ({@code org.p2pgrid.protocol.v1}) and the types
 * of env, expert and learner. Every {@code fromProto} validates with
 * {@link org.p2pgrid.protocol.MessageValidator} first, so a malformed message from another node
 * fails with a reason naming the field, never deep inside the learner.
 */
package org.p2pgrid.actors.wire;
