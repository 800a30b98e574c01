package org.p2pgrid.learner.replay;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The dual prioritised replay of paper §III-B-5: a <em>normal</em> shard for steps whose actions
 * caused no voltage violation and a <em>violation</em> shard for steps that did
 * ({@link Transition#violation()} decides), both loss-prioritised ({@link PrioritizedReplay}),
 * sampled k : (1 − k) per batch (k = {@link ReplayConfig#normalFraction()}, 0.8 in Table II).
 *
 * <h2>Batch composition ({@link #split})</h2>
 * The batch of B rows asks for {@code round(k·B)} normal and {@code B − round(k·B)} violation
 * rows. While a shard holds fewer transitions than it is asked for, it contributes at most as many
 * rows as it holds (so three violation transitions are not each repeated nine times) and the other
 * shard fills the rest; a shard that is empty contributes nothing. Only if both shards together hold
 * fewer than B transitions are rows drawn with more repetition, the remainder split in proportion
 * to the rows already assigned. Both shards empty → {@link IllegalStateException}.
 * With {@code labelledOnly}, "holds" counts labelled transitions only.
 *
 * <h2>Weights</h2>
 * Importance weights are computed and max-normalised <em>within each shard</em>
 * ({@code w = (p_min/p_i)^β} of that shard): they correct the priority bias inside a shard but
 * deliberately not the k : (1 − k) over-sampling of violations, which is the point of the dual
 * buffer. β anneals linearly with the number of {@code sample} calls ({@link ReplayConfig#beta(long)}).
 *
 * <h2>References and labels</h2>
 * {@link #add} returns an opaque {@code long} reference {@code (seq << 1) | shard}; the same
 * references appear in sampled batches. {@link #updatePriorities} and {@link #attachLabel} route by
 * the shard bit and ignore references whose slot has since been overwritten. Transitions may be
 * stored before the expert's label arrives; {@link ReplayBatch#labelledMask()} tells the learner which
 * rows may enter the imitation term, and {@link #sampleLabelled} draws only labelled rows.
 *
 * <h2>Snapshots</h2>
 * {@link #writeTo(OutputStream)} writes the whole state (config, contents, priorities, per-slot
 * sequence stamps, write positions, counters); the RNG is not part of the replay (it is passed to
 * {@code sample}), so a restored replay sampled with an RNG in the same state returns the same
 * batches. Header and body are each CRC32-checked; {@link #readFrom(InputStream)} builds a new
 * replay and either returns it complete or throws {@link ReplaySnapshotException}.
 *
 * <p>Deterministic, not thread-safe.
 */
public final class DualReplay {
    public static final int NORMAL = 0;
    public static final int VIOLATION = 1;

    private static final long MAGIC = 0x5032505245504C59L; // "P2PREPLY"
    private static final int VERSION = 1;

    private final ReplayShape shape;
    private final ReplayConfig config;
    private final PrioritizedReplay normal;
    private final PrioritizedReplay violation;
    private long samplesDrawn;

    public DualReplay(ReplayShape shape, ReplayConfig config) {
        this(shape, config,
                new PrioritizedReplay(shape, config.normalCapacity(), config.alpha(), config.epsilon()),
                new PrioritizedReplay(shape, config.violationCapacity(), config.alpha(), config.epsilon()), 0);
    }

    private DualReplay(ReplayShape shape, ReplayConfig config, PrioritizedReplay normal, PrioritizedReplay violation,
                       long samplesDrawn) {
        this.shape = Objects.requireNonNull(shape, "shape");
        this.config = Objects.requireNonNull(config, "config");
        this.normal = normal;
        this.violation = violation;
        this.samplesDrawn = samplesDrawn;
    }

    public ReplayShape shape() { return shape; }
    public ReplayConfig config() { return config; }
    public int size() { return normal.size() + violation.size(); }
    public int normalSize() { return normal.size(); }
    public int violationSize() { return violation.size(); }
    public int labelledSize() { return normal.labelledSize() + violation.labelledSize(); }
    /** Number of {@code sample} calls so far (drives the β schedule). */
    public long samplesDrawn() { return samplesDrawn; }
    /** β that the next {@code sample} call will use. */
    public double currentBeta() { return config.beta(samplesDrawn); }
    /** Heap bytes currently allocated by both shards. */
    public long allocatedBytes() { return normal.allocatedBytes() + violation.allocatedBytes(); }

    /** Shard of a reference: {@link #NORMAL} or {@link #VIOLATION}. */
    public static int shardOf(long ref) {
        return (int) (ref & 1L);
    }

    private static long encode(long seq, int shard) {
        return (seq << 1) | shard;
    }

    private PrioritizedReplay shard(long ref) {
        return shardOf(ref) == VIOLATION ? violation : normal;
    }

    /** Stores a transition in the violation shard iff {@link Transition#violation()}, else in the normal one. */
    public long add(Transition t) {
        int s = t.violation() ? VIOLATION : NORMAL;
        long seq = (s == VIOLATION ? violation : normal).add(t);
        return encode(seq, s);
    }

    public boolean isLive(long ref) {
        return ref >= 0 && shard(ref).isLive(ref >>> 1);
    }

    /** A copy of the transition behind a live reference. */
    public Transition get(long ref) {
        if (ref < 0) {
            throw new IllegalArgumentException("invalid replay reference " + ref);
        }
        return shard(ref).get(ref >>> 1);
    }

    /** Current priority p of a live reference, NaN if stale. */
    public double priority(long ref) {
        return ref < 0 ? Double.NaN : shard(ref).priority(ref >>> 1);
    }

    /**
     * Attaches the expert's joint action {@code [agent][actionDim]} to a stored transition (it may
     * arrive after the transition). Returns false if the transition has been overwritten meanwhile.
     */
    public boolean attachLabel(long ref, float[][] expertLabel) {
        if (ref < 0) {
            return false;
        }
        return shard(ref).attachLabel(ref >>> 1, expertLabel);
    }

    /**
     * Sets p = (|loss| + ε)^α for each sampled reference, in its own shard; references whose slot
     * was overwritten since sampling are ignored. Returns how many were applied.
     */
    public int updatePriorities(long[] refs, double[] losses) {
        if (refs.length != losses.length) {
            throw new IllegalArgumentException(refs.length + " refs but " + losses.length + " losses");
        }
        int applied = 0;
        for (int i = 0; i < refs.length; i++) {
            if (refs[i] >= 0 && shard(refs[i]).updatePriority(refs[i] >>> 1, losses[i])) {
                applied++;
            }
        }
        return applied;
    }

    /** A batch of {@code batch} rows (normal rows first, then violation rows) with the imitation mask. */
    public ReplayBatch sample(int batch, SplittableRandom rng) {
        return sample(batch, rng, false);
    }

    /** Like {@link #sample(int, SplittableRandom)} but drawing only transitions that carry an expert label. */
    public ReplayBatch sampleLabelled(int batch, SplittableRandom rng) {
        return sample(batch, rng, true);
    }

    public ReplayBatch sample(int batch, SplittableRandom rng, boolean labelledOnly) {
        Objects.requireNonNull(rng, "rng");
        int[] split = split(batch, labelledOnly);
        double beta = config.beta(samplesDrawn);
        ReplayBatch b = new ReplayBatch(shape, batch);
        normal.sampleInto(split[0], rng, beta, labelledOnly, b, 0);
        violation.sampleInto(split[1], rng, beta, labelledOnly, b, split[0]);
        for (int r = 0; r < batch; r++) {
            b.refs[r] = encode(b.refs[r], r < split[0] ? NORMAL : VIOLATION);
        }
        samplesDrawn++;
        return b;
    }

    /**
     * Rows {@code {normal, violation}} a batch of {@code batch} would take now (see the class
     * comment for the rule).
     *
     * @throws IllegalStateException if both shards are empty (of labelled transitions, with {@code labelledOnly})
     */
    public int[] split(int batch, boolean labelledOnly) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        int n = labelledOnly ? normal.labelledSize() : normal.size();
        int v = labelledOnly ? violation.labelledSize() : violation.size();
        if (n + v == 0) {
            throw new IllegalStateException("replay holds no " + (labelledOnly ? "labelled " : "")
                    + "transitions to sample");
        }
        int wantV = batch - (int) Math.round(config.normalFraction() * batch);
        int nV = Math.min(wantV, v);
        int nN = Math.min(batch - nV, n);
        nV = Math.min(batch - nN, v);
        int rest = batch - nN - nV; // > 0 only when n + v < batch
        if (rest > 0) {
            int restV = (int) Math.round(rest * (double) nV / (nN + nV));
            nV += restV;
            nN += rest - restV;
        }
        return new int[] {nN, nV};
    }

    // ---- snapshot ----

    /** Writes the full state to {@code out} (buffered, not closed). */
    public void writeTo(OutputStream out) throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        DataOutputStream raw = new DataOutputStream(buffered);
        CRC32 headerCrc = new CRC32();
        DataOutputStream header = new DataOutputStream(new CheckedOutputStream(buffered, headerCrc));
        header.writeLong(MAGIC);
        header.writeInt(VERSION);
        header.writeInt(shape.agents());
        header.writeInt(shape.obsDim());
        header.writeInt(shape.actionDim());
        header.writeInt(config.normalCapacity());
        header.writeInt(config.violationCapacity());
        header.writeDouble(config.normalFraction());
        header.writeDouble(config.alpha());
        header.writeDouble(config.epsilon());
        header.writeDouble(config.beta0());
        header.writeDouble(config.betaFinal());
        header.writeLong(config.betaAnnealSamples());
        header.writeLong(samplesDrawn);
        header.flush();
        raw.writeLong(headerCrc.getValue());
        CRC32 bodyCrc = new CRC32();
        DataOutputStream body = new DataOutputStream(new CheckedOutputStream(buffered, bodyCrc));
        normal.writeState(body);
        violation.writeState(body);
        body.flush();
        raw.writeLong(bodyCrc.getValue());
        raw.flush();
    }

    /** Writes the snapshot atomically: to a temporary file next to {@code file}, then renamed over it. */
    public void writeTo(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static DualReplay readFrom(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return readFrom(in);
        }
    }

    /**
     * Reads a snapshot written by {@link #writeTo(OutputStream)} into a new replay. Consumes exactly
     * the snapshot's bytes, so it can sit inside a larger checkpoint stream; pass a buffered stream
     * (bookkeeping fields are read a few bytes at a time).
     *
     * @throws ReplaySnapshotException if the data is not a replay snapshot, is truncated, fails a
     *                                 checksum or is internally inconsistent; nothing is half-restored
     */
    public static DualReplay readFrom(InputStream in) throws IOException {
        DataInputStream raw = new DataInputStream(in);
        try {
            CRC32 headerCrc = new CRC32();
            DataInputStream header = new DataInputStream(new CheckedInputStream(in, headerCrc));
            long magic = header.readLong();
            if (magic != MAGIC) {
                throw new ReplaySnapshotException("not a replay snapshot (bad magic 0x" + Long.toHexString(magic) + ")");
            }
            int version = header.readInt();
            if (version != VERSION) {
                throw new ReplaySnapshotException("unsupported replay snapshot version " + version
                        + " (this build reads " + VERSION + ")");
            }
            int agents = header.readInt();
            int obsDim = header.readInt();
            int actionDim = header.readInt();
            int normalCap = header.readInt();
            int violationCap = header.readInt();
            double k = header.readDouble();
            double alpha = header.readDouble();
            double eps = header.readDouble();
            double beta0 = header.readDouble();
            double betaFinal = header.readDouble();
            long anneal = header.readLong();
            long samplesDrawn = header.readLong();
            long expectHeader = headerCrc.getValue();
            if (raw.readLong() != expectHeader) {
                throw new ReplaySnapshotException("replay snapshot header checksum mismatch (corrupt)");
            }
            ReplayShape shape;
            ReplayConfig config;
            try {
                shape = new ReplayShape(agents, obsDim, actionDim);
                config = new ReplayConfig(normalCap, violationCap, k, alpha, eps, beta0, betaFinal, anneal);
            } catch (IllegalArgumentException e) {
                throw new ReplaySnapshotException("invalid replay snapshot header: " + e.getMessage(), e);
            }
            if (samplesDrawn < 0) {
                throw new ReplaySnapshotException("invalid sample counter " + samplesDrawn);
            }
            CRC32 bodyCrc = new CRC32();
            DataInputStream body = new DataInputStream(new CheckedInputStream(in, bodyCrc));
            PrioritizedReplay normal = PrioritizedReplay.readState(body, shape, "normal shard");
            PrioritizedReplay violation = PrioritizedReplay.readState(body, shape, "violation shard");
            long expectBody = bodyCrc.getValue();
            if (raw.readLong() != expectBody) {
                throw new ReplaySnapshotException("replay snapshot body checksum mismatch (corrupt)");
            }
            if (normal.capacity() != config.normalCapacity() || violation.capacity() != config.violationCapacity()
                    || Double.compare(normal.alpha(), config.alpha()) != 0
                    || Double.compare(violation.alpha(), config.alpha()) != 0) {
                throw new ReplaySnapshotException("replay snapshot shards disagree with its header");
            }
            return new DualReplay(shape, config, normal, violation, samplesDrawn);
        } catch (EOFException e) {
            throw new ReplaySnapshotException("replay snapshot is truncated", e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ReplaySnapshotException("replay snapshot is inconsistent: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code other} holds the same state: config, shape, contents, priorities, sequence
     * stamps, write positions and the sample counter (so it will sample identically).
     */
    public boolean sameState(DualReplay other) {
        return shape.equals(other.shape) && config.equals(other.config) && samplesDrawn == other.samplesDrawn
                && normal.sameState(other.normal) && violation.sameState(other.violation);
    }
}
