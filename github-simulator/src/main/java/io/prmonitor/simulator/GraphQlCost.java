package io.prmonitor.simulator;

import graphql.language.BooleanValue;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub's documented rate-limit score of a query, and its pagination rules, walked over its selections with
 * the schema's types.
 *
 * <p>The score: the requests needed to fulfil each connection, assuming each reaches its {@code first} or
 * {@code last} limit (a connection under a connection of {@code first: n} counts n times), divided by 100 and
 * rounded, at least 1. A connection selecting {@code nodes} or {@code edges} needs {@code first} or
 * {@code last}, and a bound given must lie in 1..{@value #MAX_PAGE}; a query that breaks a rule has
 * {@link #errors} and is not run. The walk also counts the pull requests the query reads, for the server-time
 * estimate. Not thread-safe: one walk per query.
 */
final class GraphQlCost {

  /** GitHub's connection page bound. */
  static final int MAX_PAGE = 100;

  /** The pagination errors, in GitHub's shape; empty when the query may run. */
  final List<Map<String, Object>> errors = new ArrayList<>();
  /** The nodes the query may return at most ({@code rateLimit { nodeCount }}). */
  long nodes;
  /** The pull requests the query reads at most. */
  long pullRequests;
  /** Whether the query asks {@code rateLimit(dryRun: true)}: it is scored, not charged. */
  boolean dryRun;

  private final GraphQLSchema schema;
  private final Map<String, FragmentDefinition> fragments = new LinkedHashMap<>();
  private final Map<String, Object> variables;
  private long requests;

  /** Walks every operation of {@code document}, a document {@code schema} has validated. */
  GraphQlCost(GraphQLSchema schema, Document document, Map<String, Object> variables) {
    this.schema = schema;
    this.variables = variables;
    for (FragmentDefinition fragment : document.getDefinitionsOfType(FragmentDefinition.class)) {
      fragments.put(fragment.getName(), fragment);
    }
    for (OperationDefinition operation : document.getDefinitionsOfType(OperationDefinition.class)) {
      walk(operation.getSelectionSet(), schema.getQueryType(), 1, new ArrayList<>(List.of("query")));
    }
  }

  /** The points the query costs: its connections' requests / 100, rounded, at least 1. */
  int cost() {
    return (int) Math.max(1, Math.round(requests / 100.0));
  }

  private void walk(SelectionSet set, GraphQLFieldsContainer type, long multiplier, List<String> path) {
    if (set == null) {
      return;
    }
    for (Selection<?> selection : set.getSelections()) {
      if (selection instanceof Field field) {
        field(field, type, multiplier, path);
      } else if (selection instanceof InlineFragment inline) {
        GraphQLFieldsContainer on = inline.getTypeCondition() == null ? type
            : (GraphQLFieldsContainer) schema.getType(inline.getTypeCondition().getName());
        walk(inline.getSelectionSet(), on, multiplier, path);
      } else if (selection instanceof FragmentSpread spread) {
        FragmentDefinition fragment = fragments.get(spread.getName());
        if (fragment != null) {
          walk(fragment.getSelectionSet(), (GraphQLFieldsContainer) schema.getType(
              fragment.getTypeCondition().getName()), multiplier, path);
        }
      }
    }
  }

  private void field(Field field, GraphQLFieldsContainer type, long multiplier, List<String> path) {
    if (field.getName().startsWith("__")) {
      return;
    }
    GraphQLFieldDefinition definition = type.getFieldDefinition(field.getName());
    if (definition == null) {
      return;
    }
    if (field.getName().equals("rateLimit") && Boolean.TRUE.equals(argument(field, "dryRun"))) {
      dryRun = true;
    }
    GraphQLType unwrapped = GraphQLTypeUtil.unwrapAll(definition.getType());
    String typeName = ((GraphQLNamedType) unwrapped).getName();
    List<String> here = new ArrayList<>(path);
    here.add(field.getResultKey());
    long childMultiplier = multiplier;
    if (typeName.endsWith("Connection")) {
      Integer first = intArgument(field, "first");
      Integer last = intArgument(field, "last");
      boolean items = selects(field.getSelectionSet(), "nodes") || selects(field.getSelectionSet(), "edges");
      if (items && first == null && last == null) {
        errors.add(GraphQlResponses.error("MISSING_PAGINATION_BOUNDARIES", "You must provide a `first` or `last`"
            + " value to properly paginate the `" + field.getName() + "` connection.",
            List.of(field.getSourceLocation()), here));
        return;
      }
      for (String bound : new String[] {"first", "last"}) {
        Integer value = bound.equals("first") ? first : last;
        if (value != null && (value < 1 || value > MAX_PAGE)) {
          errors.add(GraphQlResponses.error("EXCESSIVE_PAGINATION", "Requesting " + value + " records on the `"
              + field.getName() + "` connection exceeds the `" + bound + "` limit of " + MAX_PAGE + " records.",
              List.of(field.getSourceLocation()), here));
          return;
        }
      }
      requests += multiplier;
      int page = Math.max(first == null ? 0 : first, last == null ? 0 : last);
      childMultiplier = multiplier * Math.max(1, page);
      if (items) {
        nodes += childMultiplier;
      }
    } else if (typeName.equals("PullRequest")) {
      pullRequests += multiplier;
    }
    if (unwrapped instanceof GraphQLFieldsContainer container) {
      walk(field.getSelectionSet(), container, childMultiplier, here);
    }
  }

  private static boolean selects(SelectionSet set, String name) {
    if (set == null) {
      return false;
    }
    for (Selection<?> selection : set.getSelections()) {
      if (selection instanceof Field f && f.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private Object argument(Field field, String name) {
    var argument = field.getArguments().stream().filter(a -> a.getName().equals(name)).findFirst();
    if (argument.isEmpty()) {
      return null;
    }
    Value<?> value = argument.get().getValue();
    if (value instanceof VariableReference ref) {
      return variables.get(ref.getName());
    }
    if (value instanceof IntValue i) {
      return i.getValue().intValue();
    }
    if (value instanceof BooleanValue b) {
      return b.isValue();
    }
    return null;
  }

  private Integer intArgument(Field field, String name) {
    Object value = argument(field, name);
    return value instanceof Number n ? n.intValue() : null;
  }
}
