package io.prmonitor.simulator;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The subset of GitHub's public GraphQL schema the simulator serves ({@code github-subset.graphqls}: GitHub's
 * names and types), made executable by graphql-java: its scalars as strings, its interfaces resolved to the
 * one type each has here, its fields answered by {@link GraphQlFetchers}.
 */
final class GraphQlSchemaSubset {

  private static final String RESOURCE = "github-subset.graphqls";

  private GraphQlSchemaSubset() {}

  /** The executable schema whose fields {@code fetchers} answer. */
  static GraphQLSchema executable(GraphQlFetchers fetchers) {
    RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring()
        .scalar(stringScalar("DateTime"))
        .scalar(stringScalar("GitObjectID"))
        .scalar(stringScalar("URI"));
    fetchers.wire(wiring);
    wiring
        .type("Actor", t -> t.typeResolver(env -> env.getSchema().getObjectType("User")))
        .type("GitObject", t -> t.typeResolver(env -> env.getSchema().getObjectType("Commit")))
        .type("Node", t -> t.typeResolver(env -> env.getSchema().getObjectType(
            String.valueOf(((Map<?, ?>) env.getObject()).get("__typename")))));
    return new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl()), wiring.build());
  }

  private static String sdl() {
    try (InputStream in = GraphQlSchemaSubset.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GraphQLScalarType stringScalar(String name) {
    return GraphQLScalarType.newScalar().name(name).coercing(new Coercing<Object, Object>() {
      @Override
      public Object serialize(Object value, GraphQLContext context, Locale locale) {
        return value.toString();
      }

      @Override
      public Object parseValue(Object input, GraphQLContext context, Locale locale) {
        return input.toString();
      }

      @Override
      public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context,
          Locale locale) {
        if (input instanceof StringValue s) {
          return s.getValue();
        }
        throw new CoercingParseLiteralException("Expected a string for " + name);
      }
    }).build();
  }
}
