package org.p2pgrid.actors.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayConfig;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.train.LabelRequest;
import org.p2pgrid.learner.train.RuleBasedTeacher;
import org.p2pgrid.learner.train.Teacher;

class ExpertPoolActorTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("experts-test", Fixtures.config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** The rule-based teacher, held at a gate, recording where and in which order it is called. */
    static final class GatedTeacher implements Teacher {
        final RuleBasedTeacher inner = new RuleBasedTeacher(Fixtures.SCENARIO);
        final CountDownLatch gate;
        final List<String> calls;
        final Set<String> threads;

        GatedTeacher(CountDownLatch gate, List<String> calls, Set<String> threads) {
            this.gate = gate;
            this.calls = calls;
            this.threads = threads;
        }

        @Override
        public ProsumerAction[] label(int day, int step, DeviceState[] states, double[][] observations) {
            threads.add(Thread.currentThread().getName());
            try {
                assertTrue(gate.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            calls.add(System.identityHashCode(this) + ":label:" + day + ":" + step);
            return inner.label(day, step, states, observations);
        }

        @Override
        public void startEpisode(int day) {
            calls.add(System.identityHashCode(this) + ":start:" + day);
        }
    }

    @Test
    void labelsAsynchronouslyOnTheBlockingDispatcherInStepOrderAndAttachesToTheReplay() {
        ActorRef<ReplayActor.Command> replay = kit.spawn(ReplayActor.create(new DualReplay(ReplayShape.forEnv(3),
                ReplayConfig.defaults().withCapacities(500, 500)), 0));
        CountDownLatch gate = new CountDownLatch(1);
        List<String> calls = new CopyOnWriteArrayList<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        TestProbe<ExpertPoolActor.EpisodeLabelled> coordinator = kit.createTestProbe();
        ActorRef<ExpertPoolActor.Command> pool = kit.spawn(ExpertPoolActor.create(2,
                () -> new GatedTeacher(gate, calls, threads), replay, coordinator.getRef()));

        // two episodes (days 20 and 30) of 6 visited states each; transitions stored first, as a world does
        P2pTradingEnv env = new P2pTradingEnv(Fixtures.SCENARIO);
        TestProbe<ReplayActor.Added> acks = kit.createTestProbe();
        List<LabelRequest> sent = new ArrayList<>();
        int seq = 0;
        for (int episode = 0; episode < 2; episode++) {
            int day = 20 + 10 * episode;
            double[][] obs = env.reset(day);
            for (int t = 0; t < 6; t++) {
                DeviceState[] states = new DeviceState[3];
                for (int i = 0; i < 3; i++) {
                    states[i] = env.deviceState(i);
                }
                replay.tell(new ReplayActor.Add(Fixtures.transition(3, t, false), seq++, acks.getRef()));
                long ref = acks.receiveMessage().ref();
                LabelRequest r = new LabelRequest(ref, day, t, states, obs);
                pool.tell(new ExpertPoolActor.Label(episode, r));
                sent.add(r);
            }
            pool.tell(new ExpertPoolActor.EpisodeEnd(episode, 6));
        }

        // the workers are blocked in the teacher; the pool still answers, with everything pending
        TestProbe<ExpertPoolActor.Pending> pending = kit.createTestProbe();
        pool.tell(new ExpertPoolActor.GetPending(pending.getRef()));
        assertEquals(12, pending.receiveMessage().requests().size());
        coordinator.expectNoMessage(java.time.Duration.ofMillis(50));

        gate.countDown();
        Set<Long> episodes = new HashSet<>();
        for (int k = 0; k < 2; k++) {
            ExpertPoolActor.EpisodeLabelled l = coordinator.receiveMessage(java.time.Duration.ofSeconds(30));
            assertEquals(6, l.labels());
            episodes.add(l.episode());
        }
        assertEquals(Set.of(0L, 1L), episodes);
        TestProbe<ExpertPoolActor.Idle> idle = kit.createTestProbe();
        pool.tell(new ExpertPoolActor.AwaitIdle(idle.getRef()));
        assertEquals(12, idle.receiveMessage().labelled());
        pool.tell(new ExpertPoolActor.GetPending(pending.getRef()));
        assertEquals(0, pending.receiveMessage().requests().size());

        TestProbe<ReplayActor.Stats> stats = kit.createTestProbe();
        replay.tell(new ReplayActor.GetStats(stats.getRef()));
        ReplayActor.Stats s = stats.receiveMessage();
        assertEquals(12, s.labelledSize(), "every label attached");
        assertEquals(12, s.labelsAttached());

        for (String t : threads) {
            assertTrue(t.contains("default-blocking-io-dispatcher"), "solver calls off the default dispatcher: " + t);
        }
        // per teacher: startEpisode(day) once, then that episode's steps in order
        for (String teacher : calls.stream().map(c -> c.substring(0, c.indexOf(':'))).distinct().toList()) {
            List<String> mine = calls.stream().filter(c -> c.startsWith(teacher + ":")).map(c -> c.substring(c.indexOf(':') + 1)).toList();
            assertEquals(7, mine.size(), mine.toString());
            String day = mine.get(0).substring("start:".length());
            for (int t = 0; t < 6; t++) {
                assertEquals("label:" + day + ":" + t, mine.get(t + 1));
            }
        }
        assertEquals(2, calls.stream().filter(c -> c.contains(":start:")).count(), "two workers, one episode each");
    }
}
