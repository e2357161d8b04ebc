// PostGraphile v5 as make bench's peer: a compiled-SQL GraphQL engine
// serving eilnet's own demo database. internal/bench starts it with
// GRAPHILE_ENV=production, DATABASE_URL and PORT set, and checks that its
// answers to queries/*.graphql equal eilnet's before timing either.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgManyToManyPreset } from "@graphile-contrib/pg-many-to-many";

export default {
  // connection-filter gives `status IN (...)`; many-to-many gives
  // member -> seminars and seminar -> attendees through attendances.
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgManyToManyPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // The bench waits 11 s between its readings of PostgreSQL's
      // statistics; pg's default 10 s idle timeout would make every
      // measured window start on new connections.
      poolConfig: { idleTimeoutMillis: 60000 },
    }),
  ],
  // eilnet's indexes are on expressions (coalesce(workers, -1)) and its
  // foreign keys composite (complaints -> factories(id, province_code)),
  // which this plugin does not recognise: with it, PostGraphile hides the
  // orders and relations the contract queries use.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  // eilnet sorts missing values (a factory's unknown workers) last.
  schema: { pgOrderByNullsLast: true },
  grafserv: { port: Number(process.env.PORT), graphiql: false },
};
