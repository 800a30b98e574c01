package org.p2pgrid.expert.lang;

/** A lexical token; {@code number} is meaningful only for {@link Kind#NUMBER}. */
record Token(Kind kind, String text, double number, Span span) {
    enum Kind {
        IDENT, NUMBER,
        LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, COLON, SEMICOLON, DOT,
        PLUS, MINUS, STAR, SLASH, ASSIGN, EQ, LE, GE,
        /** Tokens that exist only to give a precise error: {@code < > ** ^ @ !=}. */
        UNSUPPORTED,
        EOF
    }

    boolean is(Kind k) {
        return kind == k;
    }

    boolean isWord(String word) {
        return kind == Kind.IDENT && text.equals(word);
    }
}
