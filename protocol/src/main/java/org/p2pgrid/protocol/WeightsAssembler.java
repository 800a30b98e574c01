package org.p2pgrid.protocol;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TensorLayout;

/**
 * Reassembles {@link PolicyWeightsChunk}s into one agent's weight vector, in any arrival order.
 *
 * <p>Rejects (with a reason naming version, agent and chunk): chunks that fail
 * {@link MessageValidator}, chunks of a version not newer than the last one assembled for the agent,
 * chunks of an older version than the one being assembled, chunks whose count / total size / CRC
 * disagree with the first chunk seen of their version, duplicates, and — on completion — a vector
 * whose size or CRC32 does not match (the partial is then dropped).
 *
 * <p>Bounded memory: at most one partial version per agent (a newer version's first chunk drops the
 * older incomplete one), at most {@link ProtocolLimits#maxAgents()} agents, and each partial holds
 * only the payloads received, never more than its {@code total_bytes} ≤
 * {@link ProtocolLimits#maxWeightsBytes()}. Nothing is allocated from a claimed size alone.
 *
 * <p>Not thread-safe: one per receiving actor.
 */
public final class WeightsAssembler {

    /** What became of a chunk. */
    public sealed interface Outcome permits Pending, Complete, Rejected {
    }

    /** Stored; {@code received} of {@code count} chunks of this version are in. */
    public record Pending(long version, int agent, int received, int count) implements Outcome {
    }

    /** The chunk completed a vector that passed the size and CRC checks. */
    public record Complete(AssembledWeights weights) implements Outcome {
    }

    /** Not used; why. */
    public record Rejected(String reason) implements Outcome {
    }

    /** One agent's reassembled weights. */
    public record AssembledWeights(long version, int agent, float[] values, List<TensorLayout> layout) {
    }

    private static final class Partial {
        final long version;
        final int count;
        final long totalBytes;
        final int crc;
        final ByteString[] parts;
        int received;
        long receivedBytes;
        List<TensorLayout> layout = List.of();

        Partial(PolicyWeightsChunk c) {
            version = c.getVersion();
            count = c.getChunkCount();
            totalBytes = c.getTotalBytes();
            crc = c.getCrc32();
            parts = new ByteString[count]; // count ≤ maxChunkCount and ≤ total_bytes: validated
        }
    }

    private final MessageValidator validator;
    private final Map<Integer, Partial> partials = new HashMap<>();
    private final Map<Integer, Long> assembled = new HashMap<>();
    private long droppedIncomplete;

    public WeightsAssembler(ProtocolLimits limits) {
        this.validator = new MessageValidator(limits);
    }

    public WeightsAssembler() {
        this(ProtocolLimits.defaults());
    }

    public Outcome offer(PolicyWeightsChunk c) {
        List<String> problems = validator.check(c);
        if (!problems.isEmpty()) {
            return new Rejected(String.join("; ", problems));
        }
        int agent = c.getAgent();
        long version = c.getVersion();
        String id = "version " + version + " agent " + agent + " chunk " + c.getChunkIndex();
        long done = assembled.getOrDefault(agent, 0L);
        if (version <= done) {
            return new Rejected(id + ": stale, version " + done + " already assembled for agent " + agent);
        }
        Partial p = partials.get(agent);
        if (p != null && version < p.version) {
            return new Rejected(id + ": older than version " + p.version + " being assembled for agent " + agent);
        }
        if (p != null && version > p.version) {
            partials.remove(agent); // bounded memory: the newer version supersedes the incomplete one
            droppedIncomplete++;
            p = null;
        }
        if (p == null) {
            p = new Partial(c);
            partials.put(agent, p);
        } else {
            if (c.getChunkCount() != p.count) {
                return new Rejected(id + ": chunk_count " + c.getChunkCount() + " ≠ " + p.count
                        + " of the chunks already received");
            }
            if (c.getTotalBytes() != p.totalBytes) {
                return new Rejected(id + ": total_bytes " + c.getTotalBytes() + " ≠ " + p.totalBytes
                        + " of the chunks already received");
            }
            if (c.getCrc32() != p.crc) {
                return new Rejected(id + ": crc32 " + hex(c.getCrc32()) + " ≠ " + hex(p.crc)
                        + " of the chunks already received");
            }
        }
        int index = c.getChunkIndex();
        if (p.parts[index] != null) {
            return new Rejected(id + ": duplicate (" + p.received + " of " + p.count + " chunks received)");
        }
        ByteString payload = c.getPayload();
        if (p.receivedBytes + payload.size() > p.totalBytes) {
            return new Rejected(id + ": " + payload.size() + " more bytes would exceed total_bytes = " + p.totalBytes
                    + " (" + p.receivedBytes + " received)");
        }
        p.parts[index] = payload;
        p.received++;
        p.receivedBytes += payload.size();
        if (index == 0) {
            p.layout = List.copyOf(c.getLayoutList());
        }
        if (p.received < p.count) {
            return new Pending(version, agent, p.received, p.count);
        }
        partials.remove(agent);
        if (p.receivedBytes != p.totalBytes) {
            droppedIncomplete++;
            return new Rejected("version " + version + " agent " + agent + ": all " + p.count + " chunks hold "
                    + p.receivedBytes + " bytes, expected total_bytes = " + p.totalBytes);
        }
        byte[] bytes = new byte[(int) p.totalBytes];
        int off = 0;
        for (ByteString part : p.parts) {
            part.copyTo(bytes, off);
            off += part.size();
        }
        long crc = WeightsChunker.crc32(bytes);
        if ((int) crc != p.crc) {
            droppedIncomplete++;
            return new Rejected("version " + version + " agent " + agent + ": CRC32 of the reassembled "
                    + p.totalBytes + " bytes is " + hex((int) crc) + ", expected " + hex(p.crc));
        }
        assembled.put(agent, version);
        return new Complete(new AssembledWeights(version, agent, WeightsChunker.toFloats(bytes), p.layout));
    }

    /** Last version assembled for {@code agent}, 0 if none. */
    public long assembledVersion(int agent) {
        return assembled.getOrDefault(agent, 0L);
    }

    /** Agents with an incomplete version in memory. */
    public int partialCount() {
        return partials.size();
    }

    /** Payload bytes held by incomplete versions. */
    public long bufferedBytes() {
        long b = 0;
        for (Partial p : partials.values()) {
            b += p.receivedBytes;
        }
        return b;
    }

    /** Incomplete versions dropped (superseded, or failed the size/CRC check). */
    public long droppedIncomplete() {
        return droppedIncomplete;
    }

    private static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
