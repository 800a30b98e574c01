package org.p2pgrid.expert.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns program text into tokens with line:column positions. {@code #} starts a comment to the end
 * of the line; whitespace (including newlines) only separates tokens, because every statement starts
 * with a keyword. Unknown characters are collected as diagnostics (one per run) rather than thrown,
 * so an LLM sees all of them at once.
 */
final class Lexer {
    private final String src;
    private final Limits limits;
    private final List<Diagnostic> errors;
    private int pos;
    private int line = 1;
    private int lineStart;

    Lexer(String src, Limits limits, List<Diagnostic> errors) {
        this.src = src;
        this.limits = limits;
        this.errors = errors;
    }

    List<Token> tokens() {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (pos >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "end of program", 0, span(pos, pos)));
                return out;
            }
            if (out.size() >= limits.maxTokens()) {
                throw new ModelException(new Diagnostic(line, pos - lineStart + 1, "limit",
                        "program has more than " + limits.maxTokens() + " tokens", null,
                        "write the model more compactly with vector expressions over the horizon"));
            }
            Token t = next();
            if (t != null) {
                out.add(t);
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private Token next() {
        int start = pos;
        char c = src.charAt(pos);
        if (Character.isLetter(c) || c == '_') {
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
            return token(Token.Kind.IDENT, start);
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)))) {
            return number(start);
        }
        pos++;
        char n = pos < src.length() ? src.charAt(pos) : '\0';
        return switch (c) {
            case '(' -> token(Token.Kind.LPAREN, start);
            case ')' -> token(Token.Kind.RPAREN, start);
            case '[' -> token(Token.Kind.LBRACKET, start);
            case ']' -> token(Token.Kind.RBRACKET, start);
            case ',' -> token(Token.Kind.COMMA, start);
            case ':' -> token(Token.Kind.COLON, start);
            case ';' -> token(Token.Kind.SEMICOLON, start);
            case '.' -> token(Token.Kind.DOT, start);
            case '+' -> token(Token.Kind.PLUS, start);
            case '-' -> token(Token.Kind.MINUS, start);
            case '/' -> token(Token.Kind.SLASH, start);
            case '^', '@' -> token(Token.Kind.UNSUPPORTED, start);
            case '*' -> {
                if (n == '*') {
                    pos++;
                    yield token(Token.Kind.UNSUPPORTED, start);
                }
                yield token(Token.Kind.STAR, start);
            }
            case '=' -> {
                if (n == '=') {
                    pos++;
                    yield token(Token.Kind.EQ, start);
                }
                yield token(Token.Kind.ASSIGN, start);
            }
            case '<' -> {
                if (n == '=') {
                    pos++;
                    yield token(Token.Kind.LE, start);
                }
                yield token(Token.Kind.UNSUPPORTED, start);
            }
            case '>' -> {
                if (n == '=') {
                    pos++;
                    yield token(Token.Kind.GE, start);
                }
                yield token(Token.Kind.UNSUPPORTED, start);
            }
            case '!' -> {
                if (n == '=') {
                    pos++;
                }
                yield token(Token.Kind.UNSUPPORTED, start);
            }
            default -> {
                // Swallow the whole run of unknown characters: one diagnostic, not one per byte.
                while (pos < src.length() && !known(src.charAt(pos))) {
                    pos++;
                }
                errors.add(new Diagnostic(line, start - lineStart + 1, "syntax",
                        "unexpected character" + (pos - start > 1 ? "s" : ""), src.substring(start, pos),
                        "the language has no strings, imports or attributes; use names, numbers and the operators + - * / <= >= =="));
                yield null;
            }
        };
    }

    private static boolean known(char c) {
        return Character.isLetterOrDigit(c) || Character.isWhitespace(c) || "_()[],:;.+-*/=<>^@!#".indexOf(c) >= 0;
    }

    private Token number(int start) {
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos < src.length() && src.charAt(pos) == '.') {
            pos++;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save; // "2e" is the number 2 followed by the name e
            }
        }
        String text = src.substring(start, pos);
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            errors.add(new Diagnostic(line, start - lineStart + 1, "syntax", "number is too large", text,
                    "use `inf` for an unbounded variable bound"));
            value = 0;
        }
        return new Token(Token.Kind.NUMBER, text, value, span(start, pos));
    }

    private Token token(Token.Kind kind, int start) {
        return new Token(kind, src.substring(start, pos), 0, span(start, pos));
    }

    private Span span(int start, int end) {
        return new Span(start, end, line, start - lineStart + 1);
    }
}
