package org.p2pgrid.expert.lang;

/**
 * One problem found in a model program, formatted for an LLM to read and fix:
 * {@code line:col: <rule>: <message> in `<snippet>` — hint: <hint>}.
 *
 * @param line    1-based line of the offending source, 0 when the problem has no position
 * @param column  1-based column
 * @param rule    short kebab-case name of the rule broken (e.g. {@code dcp-constraint}); stable, documented in LANGUAGE.md
 * @param message what is wrong
 * @param snippet the offending source text (may be null)
 * @param hint    how to fix it (may be null)
 */
public record Diagnostic(int line, int column, String rule, String message, String snippet, String hint) {

    private static final int MAX_SNIPPET = 80;

    /** The single-line form fed back to the correction step verbatim. */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(line).append(':').append(column).append(": ").append(rule).append(": ").append(message);
        if (snippet != null && !snippet.isEmpty()) {
            b.append(" in `").append(shorten(snippet)).append('`');
        }
        if (hint != null && !hint.isEmpty()) {
            b.append(" \u2014 hint: ").append(hint);
        }
        return b.toString();
    }

    /** Source text collapsed to one line and cut to a readable length. */
    static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_SNIPPET ? oneLine : oneLine.substring(0, MAX_SNIPPET - 3) + "...";
    }

    @Override
    public String toString() {
        return format();
    }
}
