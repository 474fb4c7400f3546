import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Response serialisation compiled once per route, as Fastify does for JSON Schema: each zod response
 * schema is turned into JSON Schema and then into a fast-json-stringify function. Like zod's own
 * encoding, only the properties a schema declares are written, so a field the schema does not name
 * (a secret hash, an internal flag) can never leak into an answer; a required property that is missing
 * throws, which the error handler turns into a 500 — a bug in the route, never in the request.
 *
 * This costs a few hundred nanoseconds per answer where zod's encode plus JSON.stringify cost several
 * microseconds (`bench/tokens.ts` measures the hot routes). A schema JSON Schema cannot express (a
 * transform) keeps zod's serializer.
 */
export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  // Compiled at the first answer, not when the route is registered: compiling all of them took ~0.6 CPU s
  // of every start (bench/start.ts), and most routes answer nothing in a start's first seconds.
  let serialize: ((data: unknown) => string) | undefined;
  return (data) => (serialize ??= compileSerializer(route))(data);
};

function compileSerializer(route: Parameters<FastifySerializerCompiler<z.ZodType>>[0]): (data: unknown) => string {
  const schema = route.schema;
  if (!(schema instanceof z.ZodType)) return zodSerializerCompiler(route);
  let jsonSchema: Record<string, unknown>;
  try {
    jsonSchema = z.toJSONSchema(schema, { io: 'output', target: 'draft-07', unrepresentable: 'throw' });
  } catch {
    return zodSerializerCompiler(route);
  }
  return fastJson(jsonSchema);
}
