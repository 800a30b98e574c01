package org.p2pgrid.protocol;

/**
 * Upper bounds that every message from another node is held to before it is used: a peer (or a
 * bug) must not be able to make a node allocate without bound or run with absurd shapes.
 *
 * @param maxAgents             agents per joint array, prosumers per label request, agent indices
 * @param maxObsDim             observation width per agent
 * @param maxActionDim          action width per agent
 * @param maxMessageBytes       serialised size of one message accepted by {@link WireParser}
 * @param maxChunkPayloadBytes  payload bytes of one {@code PolicyWeightsChunk}
 * @param maxChunkCount         chunks of one agent's weight vector
 * @param maxWeightsBytes       bytes of one agent's whole weight vector
 * @param maxBatchRows          rows of one replay sample / priority update / sample request
 * @param maxCredit             messages granted by one {@code Credit}
 * @param maxLayoutTensors      tensors described in one weights layout
 * @param maxTextChars          error texts, run ids, paths
 * @param maxCheckpointFiles    files listed in one checkpoint manifest
 * @param maxNesting            protobuf recursion limit while parsing
 */
public record ProtocolLimits(int maxAgents, int maxObsDim, int maxActionDim, int maxMessageBytes,
                             int maxChunkPayloadBytes, int maxChunkCount, long maxWeightsBytes,
                             int maxBatchRows, int maxCredit, int maxLayoutTensors, int maxTextChars,
                             int maxCheckpointFiles, int maxNesting) {

    /** Pekko Artery's default {@code maximum-frame-size}, bytes (256 KiB). */
    public static final int ARTERY_DEFAULT_FRAME_BYTES = 256 * 1024;

    public ProtocolLimits {
        positive("maxAgents", maxAgents);
        positive("maxObsDim", maxObsDim);
        positive("maxActionDim", maxActionDim);
        positive("maxMessageBytes", maxMessageBytes);
        positive("maxChunkPayloadBytes", maxChunkPayloadBytes);
        positive("maxChunkCount", maxChunkCount);
        positive("maxWeightsBytes", maxWeightsBytes);
        positive("maxBatchRows", maxBatchRows);
        positive("maxCredit", maxCredit);
        positive("maxLayoutTensors", maxLayoutTensors);
        positive("maxTextChars", maxTextChars);
        positive("maxCheckpointFiles", maxCheckpointFiles);
        positive("maxNesting", maxNesting);
        if (maxWeightsBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxWeightsBytes must fit one Java array, got " + maxWeightsBytes);
        }
        if (maxChunkPayloadBytes % 4 != 0) {
            throw new IllegalArgumentException("maxChunkPayloadBytes must be a multiple of 4 (float32), got "
                    + maxChunkPayloadBytes);
        }
    }

    /**
     * Defaults: 1 024 agents, 1 024 observation / 64 action features, 16 MiB per message (well above
     * Artery's 256 KiB frame, for files and raised frames), chunk payload 256 KiB, 4 096 chunks,
     * 256 MiB per agent vector, 8 192 rows, 1 M credits, 256 layout tensors, 64 Ki chars, 100 000
     * checkpoint files, nesting 32.
     */
    public static ProtocolLimits defaults() {
        return new ProtocolLimits(1024, 1024, 64, 16 * 1024 * 1024, ARTERY_DEFAULT_FRAME_BYTES, 4096,
                256L * 1024 * 1024, 8192, 1 << 20, 256, 64 * 1024, 100_000, 32);
    }

    public ProtocolLimits withMaxMessageBytes(int bytes) {
        return new ProtocolLimits(maxAgents, maxObsDim, maxActionDim, bytes, maxChunkPayloadBytes, maxChunkCount,
                maxWeightsBytes, maxBatchRows, maxCredit, maxLayoutTensors, maxTextChars, maxCheckpointFiles,
                maxNesting);
    }

    public ProtocolLimits withChunking(int chunkPayloadBytes, int chunkCount, long weightsBytes) {
        return new ProtocolLimits(maxAgents, maxObsDim, maxActionDim, maxMessageBytes, chunkPayloadBytes, chunkCount,
                weightsBytes, maxBatchRows, maxCredit, maxLayoutTensors, maxTextChars, maxCheckpointFiles,
                maxNesting);
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
    }
}
