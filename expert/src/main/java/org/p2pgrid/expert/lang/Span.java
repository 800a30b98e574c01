package org.p2pgrid.expert.lang;

/** A region of the source: [start, end) character offsets and the 1-based line:column of start. */
record Span(int start, int end, int line, int column) {
    Span to(Span last) {
        return new Span(start, Math.max(end, last.end), line, column);
    }
}
