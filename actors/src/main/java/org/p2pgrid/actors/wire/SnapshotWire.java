package org.p2pgrid.actors.wire;

import java.util.List;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.protocol.WeightsAssembler.AssembledWeights;
import org.p2pgrid.protocol.WeightsChunker;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TensorLayout;

/**
 * A prosumer's plain-Java policy ({@link ActorSnapshot.Weights}) ⇄ versioned {@link PolicyWeightsChunk}s,
 * with no DJL on the receiving side. The flat vector is, in order: {@code l1W [h, obs]}, {@code l1b [h]},
 * {@code l2W [h, h]}, {@code l2b [h]}, {@code muW [k, h]}, {@code muB [k]}, {@code logStdW [k, h]},
 * {@code logStdB [k]}, {@code logStdRange [2]} (min, max), {@code lo [k]}, {@code hi [k]} — each named
 * in the layout of chunk 0, so a receiver checks the shapes instead of trusting the order.
 */
public final class SnapshotWire {
    static final List<String> NAMES = List.of("l1W", "l1b", "l2W", "l2b", "muW", "muB", "logStdW", "logStdB",
            "logStdRange", "lo", "hi");

    private SnapshotWire() {}

    public static List<PolicyWeightsChunk> toChunks(long version, ActorSnapshot.Weights w, WeightsChunker chunker) {
        int h = w.hidden();
        int k = w.actionCount();
        float[][] parts = {w.l1W(), w.l1b(), w.l2W(), w.l2b(), w.muW(), w.muB(), w.logStdW(), w.logStdB(),
                {w.logStdMin(), w.logStdMax()}, w.lo(), w.hi()};
        long[][] shapes = {{h, w.obsDim()}, {h}, {h, h}, {h}, {k, h}, {k}, {k, h}, {k}, {2}, {k}, {k}};
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int off = 0;
        TensorLayout[] layout = new TensorLayout[parts.length];
        for (int i = 0; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, all, off, parts[i].length);
            off += parts[i].length;
            TensorLayout.Builder t = TensorLayout.newBuilder().setName(NAMES.get(i));
            for (long s : shapes[i]) {
                t.addShape(s);
            }
            layout[i] = t.build();
        }
        return chunker.split(version, w.agent(), all, List.of(layout));
    }

    /** @throws IllegalArgumentException if the layout is not this format's or the sizes disagree */
    public static ActorSnapshot.Weights fromAssembled(AssembledWeights a) {
        List<TensorLayout> layout = a.layout();
        if (layout.size() != NAMES.size()) {
            throw new IllegalArgumentException("weights of agent " + a.agent() + ": " + layout.size() + " tensors, expected "
                    + NAMES);
        }
        float[][] parts = new float[NAMES.size()][];
        int off = 0;
        float[] v = a.values();
        for (int i = 0; i < NAMES.size(); i++) {
            TensorLayout t = layout.get(i);
            if (!t.getName().equals(NAMES.get(i))) {
                throw new IllegalArgumentException("weights of agent " + a.agent() + ": tensor " + i + " is " + t.getName()
                        + ", expected " + NAMES.get(i));
            }
            long size = 1;
            for (long s : t.getShapeList()) {
                size *= s;
            }
            if (size < 0 || off + size > v.length) {
                throw new IllegalArgumentException("weights of agent " + a.agent() + ": tensor " + t.getName()
                        + " runs past the " + v.length + " floats");
            }
            parts[i] = java.util.Arrays.copyOfRange(v, off, off + (int) size);
            off += (int) size;
        }
        if (off != v.length) {
            throw new IllegalArgumentException("weights of agent " + a.agent() + ": " + (v.length - off) + " floats left over");
        }
        int obs = (int) layout.get(0).getShape(1);
        return new ActorSnapshot.Weights(a.agent(), obs, parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
                parts[6], parts[7], parts[8][0], parts[8][1], parts[9], parts[10]);
    }
}
