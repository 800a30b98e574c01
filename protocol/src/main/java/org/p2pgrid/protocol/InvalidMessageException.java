package org.p2pgrid.protocol;

import java.util.List;

/** A message from the wire broke a rule of the protocol; {@link #problems()} names type, field and value. */
public final class InvalidMessageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public InvalidMessageException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidMessageException(String problem) {
        this(List.of(problem));
    }

    public InvalidMessageException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** Every problem found, each "Type.field: value, expected …". */
    public List<String> problems() {
        return problems;
    }
}
