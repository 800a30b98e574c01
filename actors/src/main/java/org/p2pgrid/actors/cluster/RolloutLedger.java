package org.p2pgrid.actors.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.p2pgrid.protocol.v1.EpisodeSummary;
import org.p2pgrid.protocol.v1.TransitionBatch;

/**
 * The learner's book of transition batches (plain logic, no actors, no I/O): which batches are
 * already durable (dedupe by world incarnation and sequence number), which attempt of which episode
 * they belong to, and which attempt of an episode counts.
 *
 * <p>Rule: <b>only the first completed attempt of an episode is used; partial attempts are
 * discarded</b>. Batches are staged per (episode, attempt) — durable in the write-ahead log, not yet
 * in the replay — and the commit batch of an attempt (its {@link EpisodeSummary}, sent after every
 * transition of the attempt was acknowledged) moves that attempt's transitions into the replay. An
 * attempt whose world died mid-day never commits; a second attempt that completes after the first
 * (the lease timed out but the world was only slow) is discarded. Why: the replay then holds exactly
 * one simulated day per episode, as in the single-process reference loop, so the learner's
 * update-to-data pacing, the step counter and the checkpoint's {@code next-episode} mean the same in
 * every runtime, and an episode is never counted twice.
 *
 * <p>Replaying the write-ahead log through {@link #apply} rebuilds the same state after a restart.
 */
public final class RolloutLedger {

    /** Outcome of applying one durable batch. */
    public sealed interface Result permits Staged, Committed, Discarded {}

    public record Staged(long episode, int attempt, int transitions) implements Result {}

    /** {@code batches}: the committed attempt's transition batches in arrival order. */
    public record Committed(long episode, int attempt, int world, int day, EpisodeSummary summary,
                            List<TransitionBatch> batches) implements Result {}

    public record Discarded(long episode, int attempt, String why) implements Result {}

    /** One attempt as run by one world incarnation (attempt numbers alone could repeat after a learner fail-over). */
    private record Key(long episode, int attempt, long incarnation) {}

    private final int committedBelow;
    private final Map<Long, Set<Long>> seen = new HashMap<>();
    private final Map<Key, List<TransitionBatch>> staged = new HashMap<>();
    private final Map<Key, Integer> stagedWorld = new HashMap<>();
    private final Set<Long> committed = new HashSet<>();
    private final Map<Long, Integer> maxAttempt = new HashMap<>();
    private long duplicates;
    private long discardedAttempts;
    private long transitionsApplied;

    /** @param committedBelow episodes below this are in the checkpoint the run resumed from */
    public RolloutLedger(int committedBelow) {
        this.committedBelow = committedBelow;
    }

    /** Whether this (incarnation, sequence) is already durable: acknowledge again, store nothing. */
    public boolean isDuplicate(TransitionBatch b) {
        Set<Long> s = seen.get(b.getIncarnation());
        return s != null && s.contains(b.getSequence());
    }

    /** Applies a durable batch (call once per batch, in log order). */
    public Result apply(TransitionBatch b) {
        seen.computeIfAbsent(b.getIncarnation(), k -> new HashSet<>()).add(b.getSequence());
        long e = b.getEpisode();
        int a = b.getAttempt();
        maxAttempt.merge(e, a, Math::max);
        transitionsApplied += b.getTransitionsCount();
        Key key = new Key(e, a, b.getIncarnation());
        if (isCommitted(e)) {
            staged.remove(key);
            stagedWorld.remove(key);
            if (b.hasSummary()) {
                discardedAttempts++;
                return new Discarded(e, a, "episode " + e + " already committed: attempt " + a + " discarded");
            }
            return new Discarded(e, a, "episode " + e + " already committed: batch of attempt " + a + " dropped");
        }
        if (!b.hasSummary()) {
            List<TransitionBatch> l = staged.computeIfAbsent(key, k -> new ArrayList<>());
            l.add(b);
            stagedWorld.put(key, b.getWorld());
            return new Staged(e, a, l.stream().mapToInt(TransitionBatch::getTransitionsCount).sum());
        }
        List<TransitionBatch> batches = staged.getOrDefault(key, List.of());
        int n = batches.stream().mapToInt(TransitionBatch::getTransitionsCount).sum();
        if (n != b.getSummary().getSteps()) {
            staged.remove(key);
            stagedWorld.remove(key);
            discardedAttempts++;
            return new Discarded(e, a, "attempt " + a + " of episode " + e + " commits " + b.getSummary().getSteps()
                    + " steps but " + n + " transitions are staged: discarded");
        }
        committed.add(e);
        // every other attempt of this episode is now void
        staged.keySet().removeIf(k -> k.episode() == e);
        stagedWorld.keySet().removeIf(k -> k.episode() == e);
        return new Committed(e, a, b.getWorld(), b.getDay(), b.getSummary(), List.copyOf(batches));
    }

    public boolean isCommitted(long episode) {
        return episode < committedBelow || committed.contains(episode);
    }

    /** The next attempt number for {@code episode} (1 for one never seen). */
    public int nextAttempt(long episode) {
        return maxAttempt.getOrDefault(episode, 0) + 1;
    }

    /** Records that attempt {@code attempt} of {@code episode} was handed out (so the next one is higher). */
    public void leased(long episode, int attempt) {
        maxAttempt.merge(episode, attempt, Math::max);
    }

    /** Uncommitted episodes with staged transitions: episode → (world of its newest attempt). */
    public Map<Long, Integer> openEpisodes() {
        Map<Long, Integer> out = new TreeMap<>();
        Map<Long, Integer> newest = new HashMap<>();
        for (Map.Entry<Key, Integer> en : stagedWorld.entrySet()) {
            long e = en.getKey().episode();
            if (en.getKey().attempt() >= newest.getOrDefault(e, 0)) {
                newest.put(e, en.getKey().attempt());
                out.put(e, en.getValue());
            }
        }
        return out;
    }

    /** Transitions staged (durable, not in the replay: their attempt has not committed). */
    public long stagedTransitions() {
        long n = 0;
        for (List<TransitionBatch> l : staged.values()) {
            for (TransitionBatch b : l) {
                n += b.getTransitionsCount();
            }
        }
        return n;
    }

    public Set<Long> committedEpisodes() {
        return Set.copyOf(committed);
    }

    public long duplicates() {
        return duplicates;
    }

    void countDuplicate() {
        duplicates++;
    }

    public long discardedAttempts() {
        return discardedAttempts;
    }

    /** Transitions in every applied batch (committed, staged or discarded). */
    public long transitionsApplied() {
        return transitionsApplied;
    }
}
