package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Message;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.remote.serialization.ProtobufSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pekko's built-in ProtobufSerializer (from pekko-remote) binds the generated classes with no
 * configuration of ours, and Java serialization stays off. Local actor system only: nothing listens.
 */
class PekkoSerializationTest {
    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() {
        Config config = ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.actor.allow-java-serialization = off
                pekko.actor.warn-about-java-serializer-usage = off
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load());
        system = ActorSystem.create(Behaviors.empty(), "protocol-serialization", config);
    }

    @AfterAll
    static void stop() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    @Test
    void everyMessageUsesProtobufSerializerAndRoundTrips() throws Exception {
        Serialization serialization = SerializationExtension.get(system);
        for (Message m : Samples.all()) {
            Serializer s = serialization.findSerializerFor(m);
            assertInstanceOf(ProtobufSerializer.class, s, m.getDescriptorForType().getName());
            byte[] bytes = serialization.serialize(m).get();
            String manifest = Serializers.manifestFor(s, m);
            assertEquals(m.getClass().getName(), manifest);
            Object back = serialization.deserialize(bytes, s.identifier(), manifest).get();
            assertEquals(m, back);
        }
    }

    record Plain(int x) implements Serializable {
    }

    @Test
    void javaSerializationIsDisabled() {
        Serialization serialization = SerializationExtension.get(system);
        Exception e = assertThrows(Exception.class, () -> serialization.serialize(new Plain(1)).get());
        assertEquals("org.apache.pekko.serialization.DisabledJavaSerializer$JavaSerializationException", e.getClass().getName());
    }
}
