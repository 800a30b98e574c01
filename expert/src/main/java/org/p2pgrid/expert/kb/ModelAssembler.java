package org.p2pgrid.expert.kb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.expert.kb.KnowledgeBase.Component;
import org.p2pgrid.expert.kb.KnowledgeBase.Export;
import org.p2pgrid.expert.kb.KnowledgeBase.Injection;
import org.p2pgrid.expert.kb.KnowledgeBase.Section;

/**
 * Builds a prosumer type's reference model, in the modelling language, from the knowledge base
 * (issue 3: reference models are "built from it"): the parameters, variables, lets, constraints and
 * cost terms of the components the type owns ({@link KnowledgeBase#ownedComponents}), section by
 * section in the orders of {@code assembly.sections}, the net-export let assembled from the devices'
 * injections (eq 9), the objective {@code dt * sum(...)} over their cost terms (eq 14), and the exports
 * (P_EX, Q_EX, P_P2P and the {@code action.*} of the devices owned).
 *
 * <p>The output is byte-identical to the committed {@code models/<type>.p2pm} resources (a test keeps it
 * so); those files stay as the human-readable copies {@link org.p2pgrid.expert.lang.ReferenceModels} loads.
 * After editing the knowledge base, regenerate them with {@link #main}.
 */
public final class ModelAssembler {
    private static final int MIN_COMMENT_GAP = 3;

    private ModelAssembler() {}

    /** The reference model of {@code type} assembled from the {@link KnowledgeBase#standard() standard} knowledge base. */
    public static String source(ProsumerType type) {
        return source(KnowledgeBase.standard(), type);
    }

    public static String source(KnowledgeBase kb, ProsumerType type) {
        Set<String> owned = kb.ownedComponents(type);
        List<String> out = new ArrayList<>();
        out.add("# " + kb.prosumerType(type).modelHeader());
        kb.assembly().header().forEach(h -> out.add("# " + h));
        for (Section s : kb.assembly().sections()) {
            out.add("");
            out.add("# ---- " + s.title() + " ----");
            switch (s.kind()) {
                case "parameters" -> parameters(kb, owned, s, out);
                case "variables" -> variables(kb, owned, s, out);
                case "constraints" -> constraints(kb, owned, s, out);
                case "objective" -> objective(kb, owned, s, out);
                case "exports" -> exports(kb, owned, s, out);
                default -> throw new KnowledgeBaseException("$.assembly.sections", "unknown section kind " + s.kind());
            }
        }
        return String.join("\n", out) + "\n";
    }

    /** The net active export (eq 9) of the components owned, e.g. {@code P_RDG + P_CL - P_Load - P_BESS}. */
    public static String netActive(KnowledgeBase kb, Set<String> owned) {
        List<Injection> terms = new ArrayList<>();
        kb.balance().netActiveOrder().stream().filter(owned::contains)
                .forEach(n -> terms.addAll(kb.component(n).pInjection()));
        return signedSum(terms);
    }

    /** The net reactive export (eq 10) of the components owned, e.g. {@code Q_RDG - Q_Load}. */
    public static String netReactive(KnowledgeBase kb, Set<String> owned) {
        List<Injection> terms = new ArrayList<>();
        kb.balance().netReactiveOrder().stream().filter(owned::contains)
                .forEach(n -> terms.addAll(kb.component(n).qInjection()));
        return signedSum(terms);
    }

    private static String signedSum(List<Injection> terms) {
        StringBuilder s = new StringBuilder();
        for (Injection i : terms) {
            if (s.isEmpty()) {
                s.append("-".equals(i.sign()) ? "-" : "").append(i.expr());
            } else {
                s.append(' ').append(i.sign()).append(' ').append(i.expr());
            }
        }
        return s.isEmpty() ? "0" : s.toString();
    }

    private static void parameters(KnowledgeBase kb, Set<String> owned, Section s, List<String> out) {
        for (String n : s.order()) {
            if (owned.contains(n)) {
                kb.component(n).parameters().forEach(p -> out.add(line(p.code(), p.comment(), s.commentColumn())));
            }
        }
    }

    private static void variables(KnowledgeBase kb, Set<String> owned, Section s, List<String> out) {
        for (String n : s.order()) {
            if (owned.contains(n)) {
                kb.component(n).variables().forEach(v -> out.add(line(v.code(), v.comment(), s.commentColumn())));
            }
        }
    }

    private static void constraints(KnowledgeBase kb, Set<String> owned, Section s, List<String> out) {
        for (String n : s.letOrder()) {
            if (!owned.contains(n)) {
                continue;
            }
            for (KnowledgeBase.Let l : kb.component(n).lets()) {
                String code = l.code() != null ? l.statement()
                        : "let " + l.name() + " = " + netActive(kb, owned); // the balance's P_net
                out.add(line(code, l.comment(), s.letCommentColumn()));
            }
        }
        for (String n : s.order()) {
            if (owned.contains(n)) {
                kb.component(n).constraints().forEach(c -> out.add(line(c.code(), c.comment(), s.commentColumn())));
            }
        }
    }

    private static void objective(KnowledgeBase kb, Set<String> owned, Section s, List<String> out) {
        String prefix = kb.objective().codePrefix();
        String indent = " ".repeat(prefix.length());
        List<String[]> terms = new ArrayList<>(); // code, comment
        for (String n : kb.objective().termOrder()) {
            if (owned.contains(n)) {
                kb.component(n).costTerms().forEach(k -> terms.add(new String[] {k.code(), k.comment()}));
            }
        }
        if (terms.isEmpty()) {
            throw new KnowledgeBaseException("$.objective.term_order", "no cost term for the components " + owned);
        }
        for (int i = 0; i < terms.size(); i++) {
            String code = (i == 0 ? prefix : indent + "+ ") + terms.get(i)[0] + (i == terms.size() - 1 ? ")" : "");
            out.add(line(code, terms.get(i)[1], s.commentColumn()));
        }
    }

    private static void exports(KnowledgeBase kb, Set<String> owned, Section s, List<String> out) {
        List<String> required = new ArrayList<>();
        for (Export e : kb.exports()) {
            if (e.required()) {
                required.add(e.name() + " = " + (e.code() != null ? e.code() : netReactive(kb, owned)));
            }
        }
        out.add(line("export " + String.join(", ", required), s.comment(), s.commentColumn()));
        List<String> actions = new ArrayList<>();
        for (String n : s.order()) {
            if (owned.contains(n)) {
                kb.exports().stream().filter(e -> n.equals(e.owner())).forEach(e -> actions.add(e.name() + " = " + e.code()));
            }
        }
        if (!actions.isEmpty()) {
            out.add("export " + String.join(",\n       ", actions));
        }
    }

    /** {@code code}, then the comment padded to {@code column} (0-based) with at least 3 spaces. */
    private static String line(String code, String comment, int column) {
        if (comment == null) {
            return code;
        }
        int lastLine = code.lastIndexOf('\n') + 1;
        int width = code.length() - lastLine;
        int pad = Math.max(column - width, MIN_COMMENT_GAP);
        return code + " ".repeat(pad) + "# " + comment;
    }

    /** Resource file name of a type's model, e.g. {@code energy_hub.p2pm}. */
    public static String fileName(ProsumerType type) {
        return type.name().toLowerCase(Locale.ROOT) + ".p2pm";
    }

    /**
     * Regenerates the reference models: {@code ModelAssembler <directory>} writes {@code <type>.p2pm}
     * for the five types (default: {@code expert/src/main/resources/org/p2pgrid/expert/models}).
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "expert/src/main/resources/org/p2pgrid/expert/models");
        Files.createDirectories(dir);
        for (ProsumerType t : ProsumerType.values()) {
            Path f = dir.resolve(fileName(t));
            Files.writeString(f, source(t), StandardCharsets.UTF_8);
            System.out.println("wrote " + f);
        }
    }
}
