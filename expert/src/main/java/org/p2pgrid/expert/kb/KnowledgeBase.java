package org.p2pgrid.expert.kb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.p2pgrid.env.device.ProsumerType;

/**
 * The expert's structured knowledge base (paper §III-A; issue 3 "Knowledge base and reference models"):
 * devices with the modelling-language snippets that model them (parameters, variables, constraints,
 * cost terms, with units and equation numbers), the objective terms, the Table I prosumer types, the
 * exports the DSO needs, and LANGUAGE.md split into retrievable entries. Loaded from the resource
 * {@value #RESOURCE}; immutable and thread-safe.
 *
 * <pre>{@code
 * KnowledgeBase kb = KnowledgeBase.standard();
 * kb.device("BESS").constraints();          // soc_dynamics, eq 7
 * kb.prosumerType(ProsumerType.INDUSTRIAL); // CDG + WT + CL at buses 67, 95, 133, 136
 * kb.entries();                             // (id, title, tags, text) chunks for retrieval
 * ModelAssembler.source(kb, ProsumerType.RURAL);
 * }</pre>
 */
public final class KnowledgeBase {
    public static final String RESOURCE = "/org/p2pgrid/expert/kb/knowledge-base.json";
    /** The pseudo-component holding the objective's own params ({@code dt}). */
    public static final String OBJECTIVE = "OBJECTIVE";
    /** The pseudo-component holding the balance let and constraint (eqs 9–10). */
    public static final String BALANCE = "BALANCE";

    /** Shape of a param or var: a scalar or one value per horizon step ({@code [T]}). */
    public enum Shape {
        SCALAR, VECTOR;

        static Shape parse(JsonReader r, String name) {
            String s = r.string(name);
            return switch (s) {
                case "scalar" -> SCALAR;
                case "[T]" -> VECTOR;
                default -> throw r.field(name).error("must be \"scalar\" or \"[T]\", not \"" + s + "\"");
            };
        }

        public String text() {
            return this == SCALAR ? "scalar" : "[T]";
        }
    }

    /** A standard param bound from the state ({@code ReferenceModelFactory.bindings}). */
    public record Parameter(String name, Shape shape, String unit, String sign, String meaning, String source,
                            String config, List<Integer> equations, String comment) {
        /** The declaration, e.g. {@code param lambda_B[T] >= 0}. */
        public String code() {
            return "param " + name + (shape == Shape.VECTOR ? "[T]" : "") + switch (sign) {
                case "nonneg" -> " >= 0";
                case "nonpos" -> " <= 0";
                default -> "";
            };
        }
    }

    /** A decision variable; {@code lower}/{@code upper} are language expressions or null (unbounded). */
    public record Variable(String name, Shape shape, String lower, String upper, String unit, String meaning,
                           List<Integer> equations, String comment) {
        /** The declaration, e.g. {@code var P_CL[T] in [0, alpha * P_Load]} or {@code var P_buy[T] nonneg}. */
        public String code() {
            String head = "var " + name + (shape == Shape.VECTOR ? "[T]" : "");
            if (lower == null && upper == null) {
                return head;
            }
            if ("0".equals(lower) && upper == null) {
                return head + " nonneg";
            }
            if (lower == null && "0".equals(upper)) {
                return head + " nonpos";
            }
            return head + " in [" + (lower == null ? "-inf" : lower) + ", " + (upper == null ? "inf" : upper) + "]";
        }
    }

    /** A named expression; {@code code} is the right-hand side (null when assembled, as for {@code P_net}). */
    public record Let(String name, String code, String unit, String meaning, List<Integer> equations, String comment) {
        public String statement() {
            return "let " + name + " = " + code;
        }
    }

    /** A named constraint; {@code code} is the full statement. */
    public record Constraint(String name, String code, List<Integer> equations, String meaning, String comment) {}

    /** A cost rate (CNY/h) summed over the horizon in the objective and multiplied by dt. */
    public record CostTerm(String name, String code, List<Integer> equations, String unit, String meaning,
                           String comment) {}

    /** A term of the net active (eq 9) or reactive (eq 10) export: {@code sign} is "+" or "-". */
    public record Injection(String expr, String sign) {}

    /**
     * A device (or market component: GRID, P2P) and what models it.
     *
     * @param env     the env record its params come from
     * @param config  HOCON path of its defaults
     * @param requires other components it needs (PV and WT need the RDG inverter)
     */
    public record Component(String name, String title, String description, String env, String config,
                            List<String> requires, List<Parameter> parameters, List<Variable> variables,
                            List<Let> lets, List<Constraint> constraints, List<CostTerm> costTerms,
                            List<Injection> pInjection, List<Injection> qInjection) {}

    /** Eq 14: {@code codePrefix} + the cost terms in {@code termOrder} + ")". */
    public record Objective(String description, List<Integer> equations, List<Parameter> parameters,
                            String codePrefix, List<Component> components, List<String> termOrder, String unit) {}

    /** Eqs 9–10: the net-export let assembled from the owned devices' injections, and the balance constraint. */
    public record Balance(String description, List<Integer> equations, Let netActive, List<String> netActiveOrder,
                          List<String> netReactiveOrder, List<Constraint> constraints) {}

    /** An export the DSO/learner reads; {@code owner} is the device an {@code action.*} belongs to. */
    public record Export(String name, String code, String owner, boolean required, String unit,
                         List<Integer> equations, String meaning) {}

    /** A Table I prosumer type: the devices it owns and the buses of its four prosumers on case141. */
    public record ProsumerTypeInfo(String name, ProsumerType type, String title, List<String> devices,
                                   List<Integer> buses, List<String> ids, String modelHeader, String description) {}

    /** One section of an assembled model; which fields matter depends on {@code kind}. */
    public record Section(String kind, String title, List<String> order, List<String> letOrder, int commentColumn,
                          int letCommentColumn, String comment) {}

    public record Assembly(String description, List<String> always, List<String> header, List<Section> sections) {}

    /**
     * A code snippet of a language entry: {@code expect} is "ok" (compiles in context) or "error" (fails
     * with {@code rule}); {@code kind} is "program" (complete) or "statements".
     */
    public record Snippet(String code, String expect, String rule, String kind) {
        public boolean expectsError() {
            return "error".equals(expect);
        }
    }

    /** A retrievable chunk (RAG): language entries and rendered device/objective/type knowledge. */
    public record Entry(String id, String title, List<String> tags, String section, String text, List<Snippet> code) {}

    private static volatile KnowledgeBase standard;

    private final String schema;
    private final String description;
    private final int minEquation;
    private final int maxEquation;
    private final Map<String, String> units;
    private final List<String> conventions;
    private final List<Component> devices;
    private final Objective objective;
    private final Balance balance;
    private final List<Export> exports;
    private final List<ProsumerTypeInfo> prosumerTypes;
    private final Assembly assembly;
    private final List<Entry> language;
    private final Map<String, Component> components = new LinkedHashMap<>();
    private final List<Entry> entries;

    private KnowledgeBase(JsonReader r) {
        schema = r.string("schema");
        if (!schema.startsWith("p2pgrid-kb/1")) {
            throw r.field("schema").error("unsupported schema \"" + schema + "\", expected p2pgrid-kb/1");
        }
        description = r.string("description");
        JsonReader eq = r.field("paper_equations");
        minEquation = eq.integer("min");
        maxEquation = eq.integer("max");
        JsonReader u = r.field("units");
        Map<String, String> us = new LinkedHashMap<>();
        u.node().fieldNames().forEachRemaining(n -> us.put(n, u.string(n)));
        units = Collections.unmodifiableMap(us);
        conventions = r.strings("conventions");
        devices = r.list("devices", this::component);
        JsonReader o = r.field("objective");
        objective = new Objective(o.string("description"), equations(o, "equations"), o.list("parameters", this::parameter),
                o.string("code_prefix"), o.list("components", this::component), o.strings("term_order"), o.string("unit"));
        JsonReader b = r.field("balance");
        balance = new Balance(b.string("description"), equations(b, "equations"), let(b.field("net_active")),
                b.strings("net_active_order"), b.strings("net_reactive_order"), b.list("constraints", this::constraint));
        exports = r.list("exports", e -> new Export(e.string("name"), e.optionalString("code"), e.optionalString("owner"),
                e.bool("required"), e.string("unit"), equations(e, "equations"), e.string("meaning")));
        prosumerTypes = r.list("prosumer_types", this::prosumerType);
        JsonReader a = r.field("assembly");
        assembly = new Assembly(a.string("description"), a.strings("always"), a.strings("header"),
                a.list("sections", s -> new Section(s.string("kind"), s.string("title"), s.optionalList("order", JsonReader::asString),
                        s.optionalList("let_order", JsonReader::asString), s.integer("comment_column"),
                        s.has("let_comment_column") ? s.integer("let_comment_column") : 0, s.optionalString("comment"))));
        language = r.list("language", e -> new Entry(e.string("id"), e.string("title"), e.strings("tags"),
                e.optionalString("section"), e.string("text"),
                e.optionalList("code", c -> new Snippet(c.string("code"), oneOf(c, "expect", "ok", "error"),
                        c.optionalString("rule"), c.has("kind") ? oneOf(c, "kind", "program", "statements") : "statements"))));

        for (Component c : devices) {
            putComponent(r, "devices", c);
        }
        for (Component c : objective.components()) {
            putComponent(r, "objective.components", c);
        }
        components.put(OBJECTIVE, new Component(OBJECTIVE, "Objective", objective.description(), null, null, List.of(),
                objective.parameters(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of()));
        components.put(BALANCE, new Component(BALANCE, "Power balance", balance.description(), null, null, List.of(),
                List.of(), List.of(), List.of(balance.netActive()), balance.constraints(), List.of(), List.of(), List.of()));
        validateReferences(r);
        entries = List.copyOf(buildEntries());
    }

    // ---- loading ----

    /** The knowledge base shipped as {@value #RESOURCE} (parsed once). */
    public static KnowledgeBase standard() {
        KnowledgeBase kb = standard;
        if (kb == null) {
            synchronized (KnowledgeBase.class) {
                if (standard == null) {
                    standard = read(RESOURCE);
                }
                kb = standard;
            }
        }
        return kb;
    }

    /** Reads a knowledge base from a classpath resource. */
    public static KnowledgeBase read(String resource) {
        try (InputStream in = KnowledgeBase.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new KnowledgeBaseException("$", "resource " + resource + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read knowledge base " + resource, e);
        }
    }

    /** Parses and validates a knowledge base document. */
    public static KnowledgeBase parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new KnowledgeBaseException("$", "not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (root == null || !root.isObject()) {
            throw new KnowledgeBaseException("$", "must be a JSON object");
        }
        return new KnowledgeBase(new JsonReader(root, "$"));
    }

    // ---- element parsers ----

    private Component component(JsonReader c) {
        String name = c.string("name");
        return new Component(name, c.string("title"), c.string("description"), c.optionalString("env"),
                c.optionalString("config"), c.optionalList("requires", JsonReader::asString),
                c.optionalList("parameters", this::parameter), c.optionalList("variables", this::variable),
                c.optionalList("lets", this::let), c.optionalList("constraints", this::constraint),
                c.optionalList("cost_terms", this::costTerm), c.optionalList("p_injection", this::injection),
                c.optionalList("q_injection", this::injection));
    }

    private Parameter parameter(JsonReader p) {
        return new Parameter(p.string("name"), Shape.parse(p, "shape"), p.string("unit"),
                oneOf(p, "sign", "nonneg", "nonpos", "free"), p.string("meaning"), p.string("source"),
                p.optionalString("config"), equations(p, "equations"), p.optionalString("comment"));
    }

    private Variable variable(JsonReader v) {
        return new Variable(v.string("name"), Shape.parse(v, "shape"), v.optionalString("lower"), v.optionalString("upper"),
                v.string("unit"), v.string("meaning"), equations(v, "equations"), v.optionalString("comment"));
    }

    private Let let(JsonReader l) {
        return new Let(l.string("name"), l.optionalString("code"), l.string("unit"), l.string("meaning"),
                equations(l, "equations"), l.optionalString("comment"));
    }

    private Constraint constraint(JsonReader c) {
        String name = c.string("name");
        String code = c.string("code");
        if (!code.startsWith("constraint " + name + ":")) {
            throw c.field("code").error("must be the full statement \"constraint " + name + ": ...\"");
        }
        return new Constraint(name, code, equations(c, "equations"), c.string("meaning"), c.optionalString("comment"));
    }

    private CostTerm costTerm(JsonReader k) {
        return new CostTerm(k.string("name"), k.string("code"), equations(k, "equations"), k.string("unit"),
                k.string("meaning"), k.optionalString("comment"));
    }

    private Injection injection(JsonReader i) {
        return new Injection(i.string("expr"), oneOf(i, "sign", "+", "-"));
    }

    private ProsumerTypeInfo prosumerType(JsonReader t) {
        String e = t.string("enum");
        ProsumerType type;
        try {
            type = ProsumerType.valueOf(e);
        } catch (IllegalArgumentException ex) {
            throw t.field("enum").error("unknown prosumer type \"" + e + "\"; one of "
                    + List.of(ProsumerType.values()));
        }
        String name = t.string("name");
        if (!name.equals(type.name().toLowerCase(Locale.ROOT))) {
            throw t.field("name").error("must be \"" + type.name().toLowerCase(Locale.ROOT) + "\" for enum " + e);
        }
        return new ProsumerTypeInfo(name, type, t.string("title"), t.strings("devices"), t.integers("buses"),
                t.strings("ids"), t.string("model_header"), t.string("description"));
    }

    private List<Integer> equations(JsonReader r, String field) {
        List<Integer> eqs = r.integers(field);
        for (int i = 0; i < eqs.size(); i++) {
            int n = eqs.get(i);
            if (n < minEquation || n > maxEquation) {
                throw new KnowledgeBaseException(r.path() + "." + field + "[" + i + "]",
                        "equation " + n + " is outside the paper's " + minEquation + "-" + maxEquation);
            }
        }
        return eqs;
    }

    private static String oneOf(JsonReader r, String field, String... allowed) {
        String s = r.string(field);
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw r.field(field).error("must be one of " + List.of(allowed) + ", not \"" + s + "\"");
    }

    private void putComponent(JsonReader r, String where, Component c) {
        if (components.put(c.name(), c) != null) {
            throw new KnowledgeBaseException("$." + where, "duplicate component name " + c.name());
        }
    }

    private void validateReferences(JsonReader r) {
        Set<String> names = components.keySet();
        for (int i = 0; i < devices.size(); i++) {
            for (String req : devices.get(i).requires()) {
                if (!names.contains(req)) {
                    throw new KnowledgeBaseException("$.devices[" + i + "].requires", "unknown component " + req);
                }
            }
        }
        checkNames("$.objective.term_order", objective.termOrder(), names);
        checkNames("$.balance.net_active_order", balance.netActiveOrder(), names);
        checkNames("$.balance.net_reactive_order", balance.netReactiveOrder(), names);
        checkNames("$.assembly.always", assembly.always(), names);
        for (int i = 0; i < assembly.sections().size(); i++) {
            checkNames("$.assembly.sections[" + i + "].order", assembly.sections().get(i).order(), names);
            checkNames("$.assembly.sections[" + i + "].let_order", assembly.sections().get(i).letOrder(), names);
        }
        for (int i = 0; i < exports.size(); i++) {
            String owner = exports.get(i).owner();
            if (owner != null && !names.contains(owner)) {
                throw new KnowledgeBaseException("$.exports[" + i + "].owner", "unknown component " + owner);
            }
            if (exports.get(i).code() == null && !"Q_EX".equals(exports.get(i).name())) {
                throw new KnowledgeBaseException("$.exports[" + i + "].code", "missing (only Q_EX is assembled)");
            }
        }
        Set<ProsumerType> seen = new HashSet<>();
        for (int i = 0; i < prosumerTypes.size(); i++) {
            ProsumerTypeInfo t = prosumerTypes.get(i);
            checkNames("$.prosumer_types[" + i + "].devices", t.devices(), names);
            if (!seen.add(t.type())) {
                throw new KnowledgeBaseException("$.prosumer_types[" + i + "].enum", "duplicate type " + t.type());
            }
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < language.size(); i++) {
            if (!ids.add(language.get(i).id())) {
                throw new KnowledgeBaseException("$.language[" + i + "].id", "duplicate entry id " + language.get(i).id());
            }
            List<Snippet> code = language.get(i).code();
            for (int j = 0; j < code.size(); j++) {
                if (code.get(j).expectsError() && code.get(j).rule() == null) {
                    throw new KnowledgeBaseException("$.language[" + i + "].code[" + j + "].rule",
                            "an \"error\" snippet must name the rule it breaks");
                }
            }
        }
    }

    private static void checkNames(String path, List<String> list, Set<String> names) {
        for (int i = 0; i < list.size(); i++) {
            if (!names.contains(list.get(i))) {
                throw new KnowledgeBaseException(path + "[" + i + "]", "unknown component " + list.get(i)
                        + "; known: " + names);
            }
        }
    }

    // ---- queries ----

    public String schema() { return schema; }
    public String description() { return description; }
    public int minEquation() { return minEquation; }
    public int maxEquation() { return maxEquation; }
    public Map<String, String> units() { return units; }
    public List<String> conventions() { return conventions; }
    public List<Component> devices() { return devices; }
    public Objective objective() { return objective; }
    public Balance balance() { return balance; }
    public List<Export> exports() { return exports; }
    public List<ProsumerTypeInfo> prosumerTypes() { return prosumerTypes; }
    public Assembly assembly() { return assembly; }
    /** The LANGUAGE.md entries only. */
    public List<Entry> language() { return language; }

    /** A device by name (CDG, PV, WT, RDG, BESS, CL, LOAD), case-insensitive. */
    public Component device(String name) {
        for (Component c : devices) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no device \"" + name + "\" in the knowledge base; devices: "
                + devices.stream().map(Component::name).toList());
    }

    /**
     * Any component by exact name: a device, a market component of the objective (GRID, P2P), or the
     * pseudo-components {@value #OBJECTIVE} and {@value #BALANCE}.
     */
    public Component component(String name) {
        Component c = components.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no component \"" + name + "\"; known: " + components.keySet());
        }
        return c;
    }

    public Map<String, Component> components() {
        return Collections.unmodifiableMap(components);
    }

    public ProsumerTypeInfo prosumerType(ProsumerType type) {
        return prosumerTypes.stream().filter(t -> t.type() == type).findFirst().orElseThrow(
                () -> new IllegalArgumentException("prosumer type " + type + " is not in the knowledge base"));
    }

    /** By KB name ({@code energy_hub}), config name ({@code energy-hub}) or enum name ({@code ENERGY_HUB}). */
    public ProsumerTypeInfo prosumerType(String name) {
        for (ProsumerTypeInfo t : prosumerTypes) {
            if (t.name().equals(name) || t.type().name().equals(name) || t.type().configName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown prosumer type \"" + name + "\"; one of "
                + prosumerTypes.stream().map(ProsumerTypeInfo::name).toList());
    }

    /**
     * The components a prosumer type's model is made of: its Table I devices, what they require (PV/WT →
     * RDG), the always-present ones (LOAD), the objective's market components (GRID, P2P), and the
     * {@value #OBJECTIVE} and {@value #BALANCE} pseudo-components.
     */
    public Set<String> ownedComponents(ProsumerType type) {
        Set<String> owned = new java.util.LinkedHashSet<>();
        List<String> todo = new ArrayList<>(prosumerType(type).devices());
        todo.addAll(assembly.always());
        while (!todo.isEmpty()) {
            String n = todo.remove(0);
            if (owned.add(n)) {
                todo.addAll(component(n).requires());
            }
        }
        objective.components().forEach(c -> owned.add(c.name()));
        owned.add(OBJECTIVE);
        owned.add(BALANCE);
        return Collections.unmodifiableSet(owned);
    }

    /**
     * Everything retrievable, as (id, title, tags, text) chunks: the language entries, then one chunk per
     * device, objective component, the objective, the balance, the exports and each prosumer type, each
     * self-contained (device chunks list their params with units and sources, vars with bounds,
     * constraints and cost terms with equation numbers, as language code).
     */
    public List<Entry> entries() {
        return entries;
    }

    public Entry entry(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no entry " + id));
    }

    private List<Entry> buildEntries() {
        List<Entry> out = new ArrayList<>(language);
        for (Component c : devices) {
            out.add(componentEntry("device." + c.name(), c, List.of("device")));
        }
        for (Component c : objective.components()) {
            out.add(componentEntry("market." + c.name(), c, List.of("market", "objective")));
        }
        StringBuilder o = new StringBuilder(objective.description()).append("\n\nForm: ").append(objective.codePrefix())
                .append(objective.termOrder().stream().map(n -> n + " cost terms").collect(Collectors.joining(" + ")))
                .append(")\nTerms:\n");
        for (String n : objective.termOrder()) {
            for (CostTerm k : component(n).costTerms()) {
                o.append("- ").append(n).append(": ").append(k.code()).append("  (eq ").append(eqs(k.equations()))
                        .append(", ").append(k.unit()).append(") ").append(k.meaning()).append('\n');
            }
        }
        out.add(new Entry("objective", "Objective: prosumer operating cost (eqs 14-19)",
                List.of("objective", "cost", "minimize", "eq 14"), null, o.toString().strip(), List.of()));
        StringBuilder b = new StringBuilder(balance.description()).append("\n\nP_net terms by device: ");
        for (String n : balance.netActiveOrder()) {
            component(n).pInjection().forEach(i -> b.append(i.sign()).append(' ').append(i.expr()).append(" (")
                    .append(n).append(") "));
        }
        b.append("\nQ_EX terms by device: ");
        for (String n : balance.netReactiveOrder()) {
            component(n).qInjection().forEach(i -> b.append(i.sign()).append(' ').append(i.expr()).append(" (")
                    .append(n).append(") "));
        }
        b.append('\n');
        balance.constraints().forEach(c -> b.append(c.code()).append("   # ").append(c.meaning()).append('\n'));
        out.add(new Entry("balance", "Power balance and net export (eqs 9-10)",
                List.of("balance", "P_EX", "Q_EX", "eq 9", "eq 10"), null, b.toString().strip(), List.of()));
        StringBuilder x = new StringBuilder("What a prosumer model exports for the DSO (LinDistFlow injections, "
                + "eq 21 P2P balance) and the learner (eq 22 action):\n");
        for (Export e : exports) {
            x.append("- ").append(e.name()).append(e.code() == null ? "" : " = " + e.code()).append(" [")
                    .append(e.unit()).append("], eq ").append(eqs(e.equations())).append(e.required() ? ", required" : "")
                    .append(e.owner() == null ? "" : ", only with " + e.owner()).append(": ").append(e.meaning()).append('\n');
        }
        out.add(new Entry("exports", "Exports: P_EX, Q_EX, P_P2P and action.*", List.of("export", "dso", "action"),
                null, x.toString().strip(), List.of()));
        for (ProsumerTypeInfo t : prosumerTypes) {
            out.add(new Entry("prosumer_type." + t.name(), t.title() + " (Table I)", List.of("prosumer type", t.name()),
                    null, t.modelHeader() + "\n" + t.description() + "\nDevices: " + String.join(", ", t.devices())
                    + "; buses on case141: " + t.buses() + " (" + String.join(", ", t.ids()) + ").", List.of()));
        }
        return out;
    }

    private static Entry componentEntry(String id, Component c, List<String> kind) {
        StringBuilder s = new StringBuilder(c.title()).append(". ").append(c.description()).append('\n');
        if (c.env() != null) {
            s.append("Env record: ").append(c.env()).append("; defaults: ").append(c.config()).append('\n');
        }
        if (!c.requires().isEmpty()) {
            s.append("Requires: ").append(String.join(", ", c.requires())).append('\n');
        }
        if (!c.parameters().isEmpty()) {
            s.append("Parameters (bound from the state):\n");
            c.parameters().forEach(p -> s.append("- ").append(p.code()).append("   # ").append(p.meaning()).append(", ")
                    .append(p.unit()).append(eqSuffix(p.equations())).append("; from ").append(p.source()).append('\n'));
        }
        if (!c.variables().isEmpty()) {
            s.append("Variables:\n");
            c.variables().forEach(v -> s.append("- ").append(v.code()).append("   # ").append(v.meaning()).append(", ")
                    .append(v.unit()).append(eqSuffix(v.equations())).append('\n'));
        }
        c.lets().forEach(l -> s.append("Let: ").append(l.statement()).append("   # ").append(l.meaning()).append('\n'));
        if (!c.constraints().isEmpty()) {
            s.append("Constraints:\n");
            c.constraints().forEach(k -> s.append("- ").append(k.code()).append("   # ").append(k.meaning())
                    .append(eqSuffix(k.equations())).append('\n'));
        }
        if (!c.costTerms().isEmpty()) {
            s.append("Cost terms (inside dt * sum(...)):\n");
            c.costTerms().forEach(k -> s.append("- ").append(k.code()).append("   # ").append(k.meaning()).append(", ")
                    .append(k.unit()).append(eqSuffix(k.equations())).append('\n'));
        }
        c.pInjection().forEach(i -> s.append("In P_net (eq 9): ").append(i.sign()).append(' ').append(i.expr()).append('\n'));
        c.qInjection().forEach(i -> s.append("In Q_EX (eq 10): ").append(i.sign()).append(' ').append(i.expr()).append('\n'));
        List<String> tags = new ArrayList<>(kind);
        tags.add(c.name());
        c.parameters().forEach(p -> tags.add(p.name()));
        c.variables().forEach(v -> tags.add(v.name()));
        return new Entry(id, c.name() + ": " + c.title(), List.copyOf(tags), null, s.toString().strip(), List.of());
    }

    private static String eqSuffix(List<Integer> eqs) {
        return eqs.isEmpty() ? "" : " (eq " + eqs(eqs) + ")";
    }

    private static String eqs(List<Integer> eqs) {
        return eqs.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
