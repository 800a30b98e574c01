package org.p2pgrid.expert.lang;

/**
 * Hard limits on a model program, so that an LLM-written (or fuzzed) program cannot exhaust memory,
 * stack or time. Exceeding one is a {@link ModelException} with rule {@code limit}.
 *
 * @param maxSourceChars      program text length (default 65 536 characters)
 * @param maxTokens           tokens after lexing (default 16 384)
 * @param maxDepth            expression nesting depth (default 64); bounds every recursion over the tree
 * @param maxParams           {@code param} declarations (default 64)
 * @param maxVars             {@code var} declarations (default 64)
 * @param maxLets             {@code let} definitions (default 128)
 * @param maxConstraints      {@code constraint} statements (default 256)
 * @param maxHorizon          largest horizon T accepted at bind time (default 10 000)
 * @param maxScalarVariables  scalar solver variables one placement may create, declared vars × T plus
 *                            auxiliary (epigraph) variables (default 100 000)
 * @param maxErrors           diagnostics reported at most per program (default 20)
 * @param maxExpressionNodes  nodes of one statement's expression with every {@code let} expanded
 *                            (default 100 000); stops {@code let b = a + a; let c = b + b; ...}
 *                            from blowing up exponentially. The expanded depth is limited to
 *                            2 × {@code maxDepth}.
 */
public record Limits(int maxSourceChars, int maxTokens, int maxDepth, int maxParams, int maxVars, int maxLets,
                     int maxConstraints, int maxHorizon, int maxScalarVariables, int maxErrors,
                     int maxExpressionNodes) {

    public static final Limits DEFAULT = new Limits(65_536, 16_384, 64, 64, 64, 128, 256, 10_000, 100_000, 20, 100_000);

    public Limits {
        if (maxSourceChars < 1 || maxTokens < 1 || maxDepth < 4 || maxParams < 0 || maxVars < 1 || maxLets < 0
                || maxConstraints < 0 || maxHorizon < 1 || maxScalarVariables < 1 || maxErrors < 1
                || maxExpressionNodes < 1) {
            throw new IllegalArgumentException("limits must be positive (maxDepth >= 4): " + this);
        }
    }
}
