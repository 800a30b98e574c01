package org.p2pgrid.expert.kb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.env.scenario.ScenarioConfig;
import org.p2pgrid.expert.kb.KnowledgeBase.Component;
import org.p2pgrid.expert.kb.KnowledgeBase.Entry;
import org.p2pgrid.expert.kb.KnowledgeBase.Parameter;
import org.p2pgrid.expert.kb.KnowledgeBase.ProsumerTypeInfo;
import org.p2pgrid.expert.kb.KnowledgeBase.Snippet;
import org.p2pgrid.expert.lang.Bindings;
import org.p2pgrid.expert.lang.ModelException;
import org.p2pgrid.expert.lang.Program;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.model.ProsumerForecast;

/** Loading, queries, malformed documents, and the knowledge base's consistency with the code it describes. */
class KnowledgeBaseTest {
    static final KnowledgeBase KB = KnowledgeBase.standard();
    static final ScenarioConfig SCENARIO = ScenarioConfig.defaults();

    // ---- loading and queries ----

    @Test
    void loadsDevicesTypesAndEntries() {
        assertEquals(List.of("CDG", "PV", "WT", "RDG", "BESS", "CL", "LOAD"),
                KB.devices().stream().map(Component::name).toList());
        assertEquals("BESS", KB.device("bess").name());
        assertTrue(KB.device("BESS").constraints().stream().anyMatch(c -> c.name().equals("soc_dynamics")
                && c.equations().contains(7)));
        assertEquals(List.of(67, 95, 133, 136), KB.prosumerType(ProsumerType.INDUSTRIAL).buses());
        assertEquals(ProsumerType.ENERGY_HUB, KB.prosumerType("energy-hub").type());
        assertEquals(ProsumerType.ENERGY_HUB, KB.prosumerType("energy_hub").type());
        assertTrue(KB.ownedComponents(ProsumerType.INDUSTRIAL).containsAll(List.of("CDG", "WT", "RDG", "CL", "LOAD", "GRID", "P2P")));
        assertFalse(KB.ownedComponents(ProsumerType.INDUSTRIAL).contains("BESS"));
        assertThrows(IllegalArgumentException.class, () -> KB.device("FLUX_CAPACITOR"));
        assertThrows(IllegalArgumentException.class, () -> KB.prosumerType("martian"));
    }

    @Test
    void entriesAreUniqueSelfContainedChunks() {
        Set<String> ids = new HashSet<>();
        for (Entry e : KB.entries()) {
            assertTrue(ids.add(e.id()), "duplicate id " + e.id());
            assertFalse(e.title().isBlank(), e.id());
            assertFalse(e.tags().isEmpty(), e.id() + " has no tags");
            assertFalse(e.text().isBlank(), e.id());
            assertTrue(e.text().length() <= 2500, e.id() + " is " + e.text().length() + " chars; split it");
        }
        assertTrue(KB.entries().size() > KB.language().size());
        assertTrue(KB.entry("device.BESS").text().contains("constraint soc_dynamics:"));
        assertTrue(KB.entry("device.CDG").text().contains("CdgSpec.rampKwPerStep"));
        assertTrue(KB.entry("market.GRID").text().contains("lambda_B * P_buy - lambda_S * P_sell"));
        assertTrue(KB.entry("prosumer_type.residential").text().contains("62"));
        assertTrue(KB.entry("lang.op.square").tags().contains("square"));
    }

    // ---- consistency ----

    static ProsumerSpec specOf(ProsumerType type) {
        return SCENARIO.prosumers().stream().filter(p -> p.type() == type).findFirst().orElseThrow();
    }

    static Bindings bindings(ProsumerSpec spec) {
        int h = 4;
        double[] v = {1, 2, 3, 4};
        ProsumerForecast f = new ProsumerForecast(92, 0.25, v, v, v, v, v, v, 0.02);
        return ReferenceModelFactory.bindings(spec, DeviceState.initial(spec), f);
    }

    @ParameterizedTest
    @EnumSource(ProsumerType.class)
    void everyParamOfAnOwnedComponentIsBoundAndEveryBindingIsDescribed(ProsumerType type) {
        ProsumerSpec spec = specOf(type);
        Bindings b = bindings(spec);
        Set<String> described = new TreeSet<>();
        for (String n : KB.ownedComponents(type)) {
            for (Parameter p : KB.component(n).parameters()) {
                assertTrue(b.has(p.name()), type + ": " + n + "." + p.name() + " is not bound by ReferenceModelFactory.bindings");
                assertEquals(p.shape() == KnowledgeBase.Shape.VECTOR, b.isVector(p.name()), "shape of " + p.name());
                described.add(p.name());
            }
        }
        assertEquals(new TreeSet<>(b.names()), described, type + ": bindings without a knowledge-base parameter");
    }

    @ParameterizedTest
    @EnumSource(ProsumerType.class)
    void tableOneDevicesAndBusesMatchTheDefaultScenario(ProsumerType type) {
        ProsumerTypeInfo info = KB.prosumerType(type);
        List<ProsumerSpec> specs = SCENARIO.prosumers().stream().filter(p -> p.type() == type).toList();
        assertEquals(info.buses(), specs.stream().map(ProsumerSpec::bus).toList());
        assertEquals(info.ids(), specs.stream().map(ProsumerSpec::id).toList());
        for (ProsumerSpec s : specs) {
            assertEquals(s.hasCdg(), info.devices().contains("CDG"), s.id() + " CDG");
            assertEquals(s.hasBess(), info.devices().contains("BESS"), s.id() + " BESS");
            assertEquals(s.rdg().hasPv(), info.devices().contains("PV"), s.id() + " PV");
            assertEquals(s.rdg().hasWt(), info.devices().contains("WT"), s.id() + " WT");
            assertTrue(info.devices().contains("CL"), s.id() + " CL");
        }
    }

    @Test
    void equationNumbersAreThePapersAndUnitsArePresent() {
        assertEquals(1, KB.minEquation());
        assertEquals(43, KB.maxEquation());
        List<Integer> all = new ArrayList<>();
        Consumer<List<Integer>> eqs = all::addAll;
        for (Component c : KB.components().values()) {
            c.parameters().forEach(p -> {
                eqs.accept(p.equations());
                assertFalse(p.unit().isBlank(), p.name());
                assertFalse(p.source().isBlank(), p.name());
            });
            c.variables().forEach(v -> {
                eqs.accept(v.equations());
                assertFalse(v.unit().isBlank(), v.name());
            });
            c.constraints().forEach(k -> {
                eqs.accept(k.equations());
                assertFalse(k.equations().isEmpty(), "constraint " + k.name() + " has no equation");
            });
            c.costTerms().forEach(k -> {
                eqs.accept(k.equations());
                assertFalse(k.unit().isBlank(), k.name());
                assertFalse(k.equations().isEmpty(), "cost term " + k.name() + " has no equation");
            });
        }
        KB.exports().forEach(e -> eqs.accept(e.equations()));
        assertFalse(all.isEmpty());
        assertTrue(all.stream().allMatch(n -> n >= 1 && n <= 43), all.toString());
        for (String u : List.of("active_power", "reactive_power", "energy", "money", "time")) {
            assertTrue(KB.units().containsKey(u), u);
        }
    }

    /** Every knowledge-base constraint and cost term compiles in a model of a type owning the device. */
    @Test
    void deviceSnippetsCompile() {
        for (Component c : KB.components().values()) {
            for (var k : c.constraints()) {
                compileInContext(k.code(), c.name() + "." + k.name());
            }
            for (var k : c.costTerms()) {
                compileInContext("minimize dt * sum(" + k.code() + ")", c.name() + "." + k.name());
            }
        }
    }

    @Test
    void languageSnippetsCompileOrFailWithTheirRule() {
        int checked = 0;
        for (Entry e : KB.language()) {
            for (Snippet s : e.code()) {
                String what = e.id() + ": " + s.code();
                if (s.expectsError()) {
                    ModelException ex = assertThrows(ModelException.class, () -> compileSnippet(s), what);
                    assertTrue(ex.diagnostics().stream().anyMatch(d -> d.rule().equals(s.rule())),
                            what + " should fail with " + s.rule() + " but: " + ex.getMessage());
                } else {
                    try {
                        compileSnippet(s);
                    } catch (ModelException ex) {
                        fail(what + " should compile: " + ex.getMessage());
                    }
                }
                checked++;
            }
        }
        assertTrue(checked >= 40, "only " + checked + " snippets");
    }

    private static final Pattern DECL = Pattern.compile("(?m)^\\s*(param|var|let)\\s+([A-Za-z_][A-Za-z_0-9]*)");

    private static Program compileSnippet(Snippet s) {
        return "program".equals(s.kind()) ? Program.compile(s.code()) : Program.compile(context(s.code()));
    }

    private static void compileInContext(String code, String what) {
        try {
            Program.compile(context(code));
        } catch (ModelException ex) {
            fail(what + " does not compile: " + ex.getMessage());
        }
    }

    /**
     * The snippet inside a model declaring every standard param and var (an energy hub, which owns every
     * device), P_BESS and the components' other lets, minus the names the snippet declares itself; a default objective and exports
     * unless the snippet has its own.
     */
    static String context(String snippet) {
        Set<String> own = new HashSet<>();
        Matcher m = DECL.matcher(snippet);
        while (m.find()) {
            own.add(m.group(2));
        }
        StringBuilder s = new StringBuilder();
        Set<String> comps = new LinkedHashSet<>(KB.ownedComponents(ProsumerType.ENERGY_HUB));
        for (String n : comps) {
            KB.component(n).parameters().stream().filter(p -> !own.contains(p.name())).forEach(p -> s.append(p.code()).append('\n'));
        }
        for (String n : comps) {
            KB.component(n).variables().stream().filter(v -> !own.contains(v.name())).forEach(v -> s.append(v.code()).append('\n'));
        }
        if (!own.contains("P_BESS")) {
            s.append("let P_BESS = P_ch - P_dis\n");
        }
        for (String n : comps) { // the other lets with code of their own (e.g. P_P2P = P_P2P_in - P_P2P_out)
            KB.component(n).lets().stream()
                    .filter(l -> l.code() != null && !l.name().equals("P_BESS") && !own.contains(l.name()))
                    .forEach(l -> s.append(l.statement()).append('\n'));
        }
        if (!own.contains("P_net") && !own.contains("P_BESS") && !own.contains("P_CDG")) {
            s.append("let P_net = ").append(ModelAssembler.netActive(KB, comps)).append('\n');
        }
        s.append(snippet).append('\n');
        if (!snippet.contains("minimize")) {
            s.append("minimize dt * sum(lambda_B * P_buy)\n");
        }
        if (!snippet.contains("export P_EX")) {
            s.append("export P_EX = P_sell - P_buy - P_P2P, Q_EX = Q_RDG - Q_Load, P_P2P = P_P2P\n");
        }
        return s.toString();
    }

    /** LANGUAGE.md and the language entries stay in sync: every section, rule and standard param is covered. */
    @Test
    void languageEntriesCoverLanguageMd() throws IOException {
        String md = languageMd();
        Set<String> sections = new TreeSet<>();
        KB.language().forEach(e -> sections.add(e.section()));
        Matcher h = Pattern.compile("(?m)^## (\\d+)\\. ").matcher(md);
        while (h.find()) {
            assertTrue(sections.contains("§" + h.group(1)), "no language entry for LANGUAGE.md §" + h.group(1));
        }
        String errors = md.substring(md.indexOf("## 7."), md.indexOf("## 8."));
        Matcher r = Pattern.compile("`([a-z]+(?:-[a-z]+)*)`").matcher(errors.substring(errors.indexOf("| rule")));
        while (r.find()) {
            String id = "lang.error." + r.group(1);
            assertTrue(KB.entries().stream().anyMatch(e -> e.id().equals(id)), "no entry " + id);
        }
        String params = md.substring(md.indexOf("## 8."), md.indexOf("## 9."));
        Set<String> kbParams = new TreeSet<>();
        KB.components().values().forEach(c -> c.parameters().forEach(p -> kbParams.add(p.name())));
        Matcher p = Pattern.compile("(?m)^\\| `([^|]+)\\|").matcher(params);
        while (p.find()) {
            Matcher n = Pattern.compile("`([A-Za-z_0-9]+)`").matcher("`" + p.group(1));
            while (n.find()) {
                assertTrue(kbParams.contains(n.group(1)), "LANGUAGE.md §8 param " + n.group(1) + " is not in the knowledge base");
            }
        }
    }

    private static String languageMd() throws IOException {
        for (Path candidate : List.of(Path.of("LANGUAGE.md"), Path.of("expert/LANGUAGE.md"))) {
            if (Files.exists(candidate)) {
                return Files.readString(candidate, StandardCharsets.UTF_8);
            }
        }
        throw new IOException("LANGUAGE.md not found from " + Path.of("").toAbsolutePath());
    }

    // ---- malformed documents ----

    static ObjectNode document() throws IOException {
        try (InputStream in = KnowledgeBase.class.getResourceAsStream(KnowledgeBase.RESOURCE)) {
            return (ObjectNode) new ObjectMapper().readTree(in);
        }
    }

    static KnowledgeBaseException malformed(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode doc = document();
        edit.accept(doc);
        return assertThrows(KnowledgeBaseException.class, () -> KnowledgeBase.parse(doc.toString()));
    }

    static ObjectNode device(ObjectNode doc, int i) {
        return (ObjectNode) doc.get("devices").get(i);
    }

    @Test
    void malformedKnowledgeBasesNameThePathAndTheProblem() throws IOException {
        KnowledgeBaseException e = malformed(d -> ((ObjectNode) device(d, 0).get("parameters").get(2)).remove("unit"));
        assertEquals("$.devices[0].parameters[2].unit", e.path());
        assertTrue(e.getMessage().contains("missing required field"), e.getMessage());

        e = malformed(d -> ((ObjectNode) device(d, 4).get("constraints").get(0)).putArray("equations").add(44));
        assertEquals("$.devices[4].constraints[0].equations[0]", e.path());
        assertTrue(e.getMessage().contains("outside the paper's 1-43"), e.getMessage());

        e = malformed(d -> ((ObjectNode) device(d, 3).get("variables").get(0)).put("shape", "[T-1]"));
        assertEquals("$.devices[3].variables[0].shape", e.path());

        e = malformed(d -> ((ObjectNode) d.get("prosumer_types").get(1)).put("enum", "MARTIAN"));
        assertEquals("$.prosumer_types[1].enum", e.path());

        e = malformed(d -> ((ArrayNode) d.get("prosumer_types").get(0).get("devices")).add("FLUX"));
        assertEquals("$.prosumer_types[0].devices[4]", e.path());
        assertTrue(e.getMessage().contains("unknown component FLUX"), e.getMessage());

        e = malformed(d -> ((ObjectNode) device(d, 0).get("constraints").get(0)).put("code", "-1 <= P_CDG"));
        assertEquals("$.devices[0].constraints[0].code", e.path());

        e = malformed(d -> d.put("devices", "none"));
        assertEquals("$.devices", e.path());
        assertTrue(e.getMessage().contains("must be an array"), e.getMessage());

        e = malformed(d -> ((ObjectNode) d.get("language").get(3)).put("id", "lang.overview"));
        assertEquals("$.language[3].id", e.path());

        e = assertThrows(KnowledgeBaseException.class, () -> KnowledgeBase.parse("{\"schema\": \"p2pgrid-kb/1\", "));
        assertEquals("$", e.path());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }
}
