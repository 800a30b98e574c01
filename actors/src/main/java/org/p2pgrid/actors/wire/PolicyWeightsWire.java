package org.p2pgrid.actors.wire;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.GaussianActor;
import org.p2pgrid.learner.nn.Params;
import org.p2pgrid.protocol.WeightsAssembler.AssembledWeights;
import org.p2pgrid.protocol.WeightsChunker;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TensorLayout;

/**
 * One agent's actor weights ⇄ versioned {@link PolicyWeightsChunk}s.
 *
 * <p>What the learner exposes today is {@link GaussianActor#params()}: named DJL tensors
 * ({@code actorN.l1.W}, {@code .l1.b}, {@code .l2.*}, {@code .mu.*}, {@code .logstd.*}). They are sent
 * as one flat float32 vector in {@link Params} order with a {@link TensorLayout} (name, shape) per
 * tensor, and applied on the receiving side to a {@link GaussianActor} of the same shape, from which
 * an {@link org.p2pgrid.learner.nn.ActorSnapshot} is then taken. What is missing in the learner for a
 * DJL-free prosumer actor: {@code ActorSnapshot} can only be built from a {@code GaussianActor}
 * (a factory from (layout, float[], bounds) would let a receiver skip the engine entirely).
 */
public final class PolicyWeightsWire {
    private PolicyWeightsWire() {
    }

    /** The actor's parameters as a layout and one flat vector (copies). */
    public record FlatWeights(List<TensorLayout> layout, float[] values) {
    }

    public static FlatWeights flatten(Params params) {
        List<TensorLayout> layout = new ArrayList<>();
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
            TensorLayout.Builder t = TensorLayout.newBuilder().setName(e.getKey());
            for (long s : e.getValue().getShape().getShape()) {
                t.addShape(s);
            }
            layout.add(t.build());
            float[] v = e.getValue().toFloatArray();
            parts.add(v);
            n += v.length;
        }
        float[] all = new float[n];
        int off = 0;
        for (float[] v : parts) {
            System.arraycopy(v, 0, all, off, v.length);
            off += v.length;
        }
        return new FlatWeights(layout, all);
    }

    /** The actor's weights as chunks of {@code chunker}'s size, tagged with {@code version} and the actor's agent. */
    public static List<PolicyWeightsChunk> toChunks(long version, GaussianActor actor, WeightsChunker chunker) {
        FlatWeights w = flatten(actor.params());
        return chunker.split(version, actor.agent(), w.values(), w.layout());
    }

    /**
     * Copies reassembled weights into {@code actor}'s parameters in place (no autograd). The layout must
     * name exactly the actor's tensors, in order, with the same shapes; otherwise nothing is changed
     * and an {@link IllegalArgumentException} says which tensor differs.
     */
    public static void apply(AssembledWeights w, GaussianActor actor) {
        if (w.agent() != actor.agent()) {
            throw new IllegalArgumentException("weights for agent " + w.agent() + " applied to actor " + actor.agent());
        }
        Map<String, NDArray> params = actor.params().asMap();
        List<TensorLayout> layout = w.layout();
        List<String> names = new ArrayList<>(params.keySet());
        if (layout.size() != names.size()) {
            throw new IllegalArgumentException("weights version " + w.version() + ": " + layout.size()
                    + " tensors, actor " + actor.agent() + " has " + names.size() + " " + names);
        }
        long total = 0;
        for (int i = 0; i < layout.size(); i++) {
            TensorLayout t = layout.get(i);
            NDArray target = params.get(names.get(i));
            long[] shape = t.getShapeList().stream().mapToLong(Long::longValue).toArray();
            if (!t.getName().equals(names.get(i)) || !new Shape(shape).equals(target.getShape())) {
                throw new IllegalArgumentException("weights version " + w.version() + ": tensor " + i + " is "
                        + t.getName() + Arrays.toString(shape) + ", actor has " + names.get(i) + target.getShape());
            }
            total += target.size();
        }
        if (total != w.values().length) {
            throw new IllegalArgumentException("weights version " + w.version() + ": " + w.values().length
                    + " floats, actor " + actor.agent() + " has " + total);
        }
        Djl.noGrad(() -> {
            int off = 0;
            for (String name : names) {
                NDArray target = params.get(name);
                int size = (int) target.size();
                target.set(Arrays.copyOfRange(w.values(), off, off + size));
                off += size;
            }
        });
    }
}
