package org.p2pgrid.expert.lang;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.expert.model.ConvexModel;

/**
 * Random and mutated programs (token deletions, insertions, swaps and duplications applied to the
 * reference models, and random token soup) must either compile — and then place or fail with a
 * {@link ModelException} — or fail with a {@link ModelException}: never another exception, never a
 * hang.
 */
class ProgramFuzzTest {
    static final String[] VOCABULARY = {"param", "var", "let", "constraint", "minimize", "export", "in", "nonneg",
            "nonpos", "inf", "T", "[", "]", "(", ")", ",", ":", ";", ".", "+", "-", "*", "/", "=", "==", "<=", ">=",
            "<", ">", "**", "^", "@", "sum", "cumsum", "diff", "square", "abs", "pos", "neg", "max", "min", "disc",
            "P", "Q", "x", "dt", "P_EX", "Q_EX", "P_P2P", "action", "0", "1", "-1", "2.5", "1e3", "1e999", "#", "\n",
            "$", "\"", "P_Load", "lambda_B", "0:", ":-1"};

    @Property(tries = 400)
    void mutatedReferenceModelsNeverCrash(@ForAll("mutatedReference") String source) {
        run(source);
    }

    @Property(tries = 400)
    void randomTokenSoupNeverCrashes(@ForAll("tokenSoup") String source) {
        run(source);
    }

    @Property(tries = 200)
    void randomCharactersNeverCrash(@ForAll("characters") String source) {
        run(source);
    }

    static void run(String source) {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            try {
                Program p = Program.compile(source);
                ProsumerSpec spec = ReferenceModelsTest.specOf(ProsumerType.ENERGY_HUB);
                for (int horizon : new int[] {1, 7}) {
                    try {
                        p.place(new ConvexModel(), "f.", ReferenceModelFactory.bindings(spec, DeviceState.initial(spec),
                                ReferenceModelsTest.forecast(spec, 96 - horizon)));
                    } catch (ModelException expected) {
                        // a bind-time rejection is a valid outcome
                    }
                }
            } catch (ModelException expected) {
                // a compile-time rejection is a valid outcome
            }
        });
    }

    @Provide
    Arbitrary<String> mutatedReference() {
        Arbitrary<ProsumerType> type = Arbitraries.of(ProsumerType.class);
        Arbitrary<List<int[]>> edits = Arbitraries.integers().between(0, Integer.MAX_VALUE)
                .tuple4().map(t -> new int[] {t.get1(), t.get2(), t.get3(), t.get4()}).list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(type, edits).as((t, es) -> {
            List<String> tokens = tokenize(ReferenceModels.source(t));
            for (int[] e : es) {
                int i = e[1] % tokens.size();
                int j = e[2] % tokens.size();
                switch (e[0] % 4) {
                    case 0 -> tokens.remove(i);
                    case 1 -> tokens.add(i, VOCABULARY[e[3] % VOCABULARY.length]);
                    case 2 -> {
                        String a = tokens.get(i);
                        tokens.set(i, tokens.get(j));
                        tokens.set(j, a);
                    }
                    default -> tokens.add(i, tokens.get(j));
                }
                if (tokens.isEmpty()) {
                    tokens.add("x");
                }
            }
            return String.join(" ", tokens);
        });
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.of(VOCABULARY).list().ofMaxSize(200).map(l -> String.join(" ", l));
    }

    @Provide
    Arbitrary<String> characters() {
        return Arbitraries.strings().withChars("paramvrinTx[](){}+-*/=<>:;,.#0123456789 \n_e\u00e9\u0000").ofMaxLength(300);
    }

    /** Whitespace-separated pieces, keeping line breaks (comments end at them). */
    static List<String> tokenize(String source) {
        List<String> out = new ArrayList<>();
        for (String line : source.split("\n")) {
            for (String piece : line.trim().split("\\s+")) {
                if (!piece.isEmpty()) {
                    out.add(piece);
                }
            }
            out.add("\n");
        }
        return out;
    }
}
