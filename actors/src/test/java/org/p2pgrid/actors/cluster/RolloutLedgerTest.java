package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.EpisodeSummary;
import org.p2pgrid.protocol.v1.Transition;
import org.p2pgrid.protocol.v1.TransitionBatch;

/** Dedupe by (incarnation, sequence), staging per attempt, first completed attempt wins. */
class RolloutLedgerTest {

    private static TransitionBatch batch(long inc, long seq, long episode, int attempt, int transitions) {
        TransitionBatch.Builder b = TransitionBatch.newBuilder().setSchemaVersion(1).setWorld(0).setIncarnation(inc)
                .setSequence(seq).setEpisode(episode).setAttempt(attempt).setDay(3).setReplyTo("x");
        for (int i = 0; i < transitions; i++) {
            b.addTransitions(Transition.newBuilder().setEpisodeId(episode).setStep(i));
        }
        return b.build();
    }

    private static TransitionBatch commit(long inc, long seq, long episode, int attempt, int steps) {
        return batch(inc, seq, episode, attempt, 0).toBuilder().setSummary(EpisodeSummary.newBuilder().setSteps(steps))
                .build();
    }

    @Test
    void duplicatesAreRecognisedPerIncarnation() {
        RolloutLedger l = new RolloutLedger(0);
        TransitionBatch b = batch(7, 1, 0, 1, 4);
        assertFalse(l.isDuplicate(b));
        l.apply(b);
        assertTrue(l.isDuplicate(b), "the same (incarnation, sequence) again");
        assertFalse(l.isDuplicate(batch(8, 1, 0, 1, 4)), "another incarnation's sequence 1");
        assertFalse(l.isDuplicate(batch(7, 2, 0, 1, 4)));
    }

    @Test
    void commitMovesTheAttemptsTransitionsAndVoidsOtherAttempts() {
        RolloutLedger l = new RolloutLedger(0);
        // attempt 1 (incarnation 1) dies after 4 transitions; attempt 2 (incarnation 2) completes
        assertInstanceOf(RolloutLedger.Staged.class, l.apply(batch(1, 1, 5, 1, 4)));
        assertEquals(Map.of(5L, 0), l.openEpisodes());
        assertEquals(2, l.nextAttempt(5));
        l.apply(batch(2, 1, 5, 2, 4));
        l.apply(batch(2, 2, 5, 2, 2));
        assertEquals(10, l.stagedTransitions());
        RolloutLedger.Result r = l.apply(commit(2, 3, 5, 2, 6));
        RolloutLedger.Committed c = assertInstanceOf(RolloutLedger.Committed.class, r);
        assertEquals(2, c.attempt());
        assertEquals(6, c.batches().stream().mapToInt(TransitionBatch::getTransitionsCount).sum());
        assertEquals(0, l.stagedTransitions(), "the partial attempt is discarded");
        assertTrue(l.openEpisodes().isEmpty());
        assertTrue(l.isCommitted(5));
        // a late completion of another attempt is discarded, never counted twice
        l.apply(batch(3, 1, 5, 3, 6));
        assertInstanceOf(RolloutLedger.Discarded.class, l.apply(commit(3, 2, 5, 3, 6)));
        assertEquals(1, l.discardedAttempts());
        assertEquals(0, l.stagedTransitions());
    }

    @Test
    void sameAttemptNumberFromTwoIncarnationsDoesNotMix() {
        RolloutLedger l = new RolloutLedger(0);
        // after a learner fail-over an episode can be handed out as attempt 1 again to another world
        l.apply(batch(1, 1, 2, 1, 3));
        l.apply(batch(9, 1, 2, 1, 5));
        RolloutLedger.Committed c = assertInstanceOf(RolloutLedger.Committed.class, l.apply(commit(9, 2, 2, 1, 5)));
        assertEquals(5, c.batches().get(0).getTransitionsCount());
    }

    @Test
    void incompleteCommitIsDiscardedAndEpisodesBelowTheCheckpointAreDone() {
        RolloutLedger l = new RolloutLedger(4);
        assertTrue(l.isCommitted(3));
        assertInstanceOf(RolloutLedger.Discarded.class, l.apply(batch(1, 1, 3, 1, 2)), "before the checkpoint");
        l.apply(batch(1, 2, 4, 1, 2));
        assertInstanceOf(RolloutLedger.Discarded.class, l.apply(commit(1, 3, 4, 1, 96)), "96 steps claimed, 2 staged");
        assertFalse(l.isCommitted(4));
    }
}
