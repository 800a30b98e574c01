package org.p2pgrid.expert.lang;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A model program was rejected: syntax, names, shapes, DCP rules, limits, or (at bind time)
 * parameter values. The only exception parsing, checking and placing throw for a bad program;
 * {@link #getMessage()} is the list of {@link Diagnostic#format() formatted diagnostics}, one per
 * line, meant to be fed back to an LLM verbatim.
 */
public final class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> diagnostics;

    public ModelException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a ModelException needs at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    public ModelException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
