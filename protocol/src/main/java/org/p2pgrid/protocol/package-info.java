/**
 * The wire protocol: messages generated from {@code src/main/proto/p2pgrid/v1/*.proto} (package
 * {@code org.p2pgrid.protocol.v1}, serialised by Pekko's built-in {@code ProtobufSerializer} with no
 * configuration), their limits ({@link org.p2pgrid.protocol.ProtocolLimits}) and validation
 * ({@link org.p2pgrid.protocol.MessageValidator}, {@link org.p2pgrid.protocol.WireParser}), and the
 * chunking of policy weights under Artery's frame size ({@link org.p2pgrid.protocol.WeightsChunker},
 * {@link org.p2pgrid.protocol.WeightsAssembler}). Depends on protobuf-java only: converters to the
 * other modules' types live in {@code org.p2pgrid.actors.wire}.
 */
package org.p2pgrid.protocol;
