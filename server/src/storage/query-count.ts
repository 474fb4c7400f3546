import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Counts the statements a database handle runs (built queries and compiled ones alike: Kysely hands every
 * result to its plugins). For `/metrics` and for tests that prove two paths do the same database work.
 */
export function createQueryCounter(): { plugin: KyselyPlugin; count(): number } {
  let statements = 0;
  return {
    plugin: {
      transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
      transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => {
        statements += 1;
        return args.result;
      },
    },
    count: () => statements,
  };
}
