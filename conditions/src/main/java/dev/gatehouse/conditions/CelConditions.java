package dev.gatehouse.conditions;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.gatehouse.engine.Condition;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The condition language of grants: CEL (docs/access-model.md, "Conditions"; never a
 * general-purpose language). One compiler and one runtime for every tenant, declaring what a
 * condition may name (docs/engine.md, "Conditions"):
 *
 * <ul>
 *   <li>{@code resource}: the resource's attributes by name ({@code resource.amount}) and its own
 *       {@code type}, {@code id}, {@code location} and {@code owner}, which win over attributes of
 *       those names;
 *   <li>{@code request.time.hour}, {@code .minute}, {@code .dayOfWeek} (1 Monday … 7 Sunday),
 *       {@code .day}, {@code .month}, {@code .year}: the moment asked about in the tenant's time zone;
 *   <li>{@code request.ip}: the client's address, with {@code request.ip in ['10.0.0.0/8']} and
 *       {@code ipInRange(request.ip, '10.0.0.0/8')};
 *   <li>{@code subject.id} and {@code subject.roles} (the roles held at that moment).
 * </ul>
 *
 * <p>Bounded when a role is saved, so that no expression can make a check slow: its length, its
 * nesting, its number of nodes, one level of {@code all}/{@code exists} at most (no nested loops),
 * no list-building macros ({@code map}, {@code filter}), and every literal range and pattern valid.
 * The runtime caps a loop's iterations too, and {@code matches} runs on RE2 (linear time), so no
 * pattern backtracks.
 */
public final class CelConditions {

    static final int MAX_LENGTH = 1_000;
    static final int MAX_NODES = 200;
    static final int MAX_DEPTH = 20;
    static final int MAX_ITERATIONS = 1_000;
    static final int MAX_REGEX_PROGRAM = 200;

    static final CelType IP = OpaqueType.create("gatehouse.IP");

    /** The names a condition may use besides {@code resource}: each a variable of its own, so a typo is refused at save. */
    static final List<String> TIME_FIELDS = List.of("hour", "minute", "dayOfWeek", "day", "month", "year");

    private static final CelOptions OPTIONS = CelOptions.current()
            .maxExpressionCodePointSize(MAX_LENGTH)
            .maxParseRecursionDepth(MAX_DEPTH)
            .maxParseExpressionNodeCount(MAX_NODES)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxRegexProgramSize(MAX_REGEX_PROGRAM)
            .enableHeterogeneousNumericComparisons(true)
            .build();

    private static final CelCompiler COMPILER = compiler();
    /** The planner runtime: plans a compiled expression's evaluation once (docs/benchmarks.md: 3× fewer bytes). */
    private static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder()
            .setOptions(OPTIONS)
            .addFunctionBindings(
                    CelFunctionBinding.from("gatehouse_ip_in_ranges", ClientAddress.class, List.class,
                            (address, ranges) -> AddressRanges.anyContains(ranges, address)),
                    CelFunctionBinding.from("gatehouse_ip_in_range", ClientAddress.class, String.class,
                            AddressRanges::contains))
            .build();

    /** {@code '' .matches(p)}: runs a literal pattern through the runtime's own cap on its program size. */
    private static final CelRuntime.Program PATTERN_PROBE = patternProbe();

    /** A selection the reason of a failed condition shows the value of: {@code resource.amount}, {@code request.ip}. */
    private static final Pattern MENTION = Pattern.compile(
            "\\b(resource\\.[A-Za-z_][A-Za-z0-9_]*|request\\.time\\.[A-Za-z]+|request\\.ip|subject\\.(?:id|roles))\\b");

    private CelConditions() {}

    private static CelRuntime.Program patternProbe() {
        try {
            CelCompiler probe = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
                    .addVar("p", SimpleType.STRING).build();
            return RUNTIME.createProgram(probe.compile("''.matches(p)").getAst());
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException("the pattern probe compiles", e);
        }
    }

    private static CelCompiler compiler() {
        var builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                // has(), all(), exists(), exists_one(): map() and filter() build lists, which no condition needs.
                .setStandardMacros(CelStandardMacro.HAS, CelStandardMacro.ALL, CelStandardMacro.EXISTS,
                        CelStandardMacro.EXISTS_ONE)
                .setResultType(SimpleType.BOOL)
                .addVar("resource", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("request.ip", IP)
                .addVar("subject.id", SimpleType.STRING)
                .addVar("subject.roles", ListType.create(SimpleType.STRING))
                .addFunctionDeclarations(
                        CelFunctionDecl.newFunctionDeclaration(Operator.IN.getFunction(),
                                CelOverloadDecl.newGlobalOverload("gatehouse_ip_in_ranges", SimpleType.BOOL, IP,
                                        ListType.create(SimpleType.STRING))),
                        CelFunctionDecl.newFunctionDeclaration("ipInRange",
                                CelOverloadDecl.newGlobalOverload("gatehouse_ip_in_range", SimpleType.BOOL, IP,
                                        SimpleType.STRING)));
        for (String field : TIME_FIELDS) {
            builder.addVar("request.time." + field, SimpleType.INT);
        }
        return builder.build();
    }

    /**
     * Why {@code expression} cannot be a grant's condition, or null when it can: a syntax or type
     * error, a name conditions do not have, or a bound exceeded. Asked when a role is saved.
     */
    public static @Nullable String problem(String expression) {
        if (expression.isBlank()) {
            return "is empty; leave condition out for an unconditional grant";
        }
        if (expression.codePointCount(0, expression.length()) > MAX_LENGTH) {
            return "at most " + MAX_LENGTH + " characters";
        }
        CelAbstractSyntaxTree ast;
        try {
            CelValidationResult result = COMPILER.compile(expression);
            if (result.hasError()) {
                return invalid(result.getErrors().get(0));
            }
            ast = result.getAst();
            if (!ast.getResultType().equals(SimpleType.BOOL)) {
                return "must be true or false, not any value: compare it (resource.urgent == true)";
            }
        } catch (CelValidationException | RuntimeException e) {
            return "is not a valid condition: " + e.getMessage();
        }
        return bounds(ast);
    }

    /** The first problem CEL found, where it is: "is not a valid condition at column 7: undeclared reference to 'foo'". */
    private static String invalid(CelIssue issue) {
        int column = issue.getSourceLocation().getColumn();
        String message = issue.getMessage().replace(" (in container '')", "");
        if (message.startsWith("undeclared reference")) {
            message += "; a condition may name resource.<attribute> (and resource.type, id, location, owner),"
                    + " request.time." + String.join("/", TIME_FIELDS) + ", request.ip, subject.id, subject.roles,"
                    + " CEL's functions and has/all/exists/exists_one (not map or filter)";
        }
        return "is not a valid condition" + (column >= 0 ? " at column " + (column + 1) : "") + ": " + message;
    }

    /** The bounds the parser does not keep itself: loops in loops, and literal ranges and patterns. */
    private static @Nullable String bounds(CelAbstractSyntaxTree ast) {
        CelNavigableExpr root = CelNavigableAst.fromAst(ast).getRoot();
        if (root.height() > MAX_DEPTH) {
            return "nests more than " + MAX_DEPTH + " levels deep";
        }
        List<CelNavigableExpr> nodes = root.allNodes().toList();
        if (nodes.size() > MAX_NODES) {
            return "has more than " + MAX_NODES + " parts; split it over several grants";
        }
        for (CelNavigableExpr node : nodes) {
            if (node.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION
                    && node.descendants().anyMatch(inner -> inner.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION)) {
                return "loops within loops (all/exists inside all/exists) are not allowed: their cost multiplies";
            }
            if (node.getKind() != CelExpr.ExprKind.Kind.CALL) {
                continue;
            }
            CelExpr.CelCall call = node.expr().call();
            String function = call.function();
            List<CelExpr> args = call.args();
            if ((function.equals(Operator.IN.getFunction()) || function.equals("ipInRange")) && args.size() == 2
                    && ast.getType(args.get(0).id()).map(IP::equals).orElse(false)) {
                for (String range : literalStrings(args.get(1))) {
                    String bad = AddressRanges.problem(range);
                    if (bad != null) {
                        return bad;
                    }
                }
            }
            if (function.equals("matches")) {
                CelExpr pattern = args.get(args.size() - 1);
                for (String regex : literalStrings(pattern)) {
                    try {
                        PATTERN_PROBE.eval(java.util.Map.of("p", regex));
                    } catch (CelEvaluationException | RuntimeException e) {
                        return "'" + regex + "' is not a valid pattern (RE2 syntax, at most " + MAX_REGEX_PROGRAM
                                + " instructions): " + e.getMessage();
                    }
                }
            }
        }
        return null;
    }

    /** The string constants of a literal string or list of strings. */
    private static List<String> literalStrings(CelExpr expr) {
        List<String> strings = new ArrayList<>();
        if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                && expr.constant().getKind() == dev.cel.common.ast.CelConstant.Kind.STRING_VALUE) {
            strings.add(expr.constant().stringValue());
        } else if (expr.getKind() == CelExpr.ExprKind.Kind.LIST) {
            for (CelExpr element : expr.list().elements()) {
                strings.addAll(literalStrings(element));
            }
        }
        return strings;
    }

    /**
     * An evaluator for a policy whose grants carry {@code conditions}: each compiled here, once,
     * and evaluated with {@code zone} as the tenant's time zone.
     */
    public static CompiledConditions compile(Collection<Condition> conditions, ZoneId zone) {
        return new CompiledConditions(conditions, zone);
    }

    /** A condition ready to run, with the selections its failure reason shows. */
    record Program(CelRuntime.@Nullable Program program, @Nullable String problem, List<String> mentions) {

        /** The condition would not compile (stored before today's rules, or edited outside the API). */
        boolean broken() {
            return program == null;
        }
    }

    static Program program(String expression) {
        Set<String> mentions = new LinkedHashSet<>();
        Matcher matcher = MENTION.matcher(expression);
        while (matcher.find()) {
            mentions.add(matcher.group(1));
        }
        String problem = problem(expression);
        if (problem != null) {
            return new Program(null, problem, List.copyOf(mentions));
        }
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            return new Program(RUNTIME.createProgram(ast), null, List.copyOf(mentions));
        } catch (CelValidationException | CelEvaluationException e) {
            return new Program(null, e.getMessage(), List.copyOf(mentions));
        }
    }
}
