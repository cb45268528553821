// urql with graphcache (normalised, schema-aware) against a running server. Prints one JSON
// report on stdout for test_clients.py. Usage: node urql.mjs BASE_URL SCHEMA.graphql
import { readFileSync } from "node:fs";
import { Client, fetchExchange, gql } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { relayPagination } from "@urql/exchange-graphcache/extras";
import { buildSchema, introspectionFromSchema, isObjectType } from "graphql";

const [base, sdlPath] = process.argv.slice(2);
const warnings = [];
for (const level of ["warn", "error"]) {
  // graphcache reports "Invalid key" and missing fields through the console: collect them.
  console[level] = (...args) => warnings.push(args.map(String).join(" "));
}

const schema = buildSchema(readFileSync(sdlPath, "utf8"));
// Value objects (no `id`) live inside their parent: tell graphcache so, from the schema itself.
const keys = {};
for (const type of Object.values(schema.getTypeMap())) {
  if (isObjectType(type) && !type.name.startsWith("__") && !type.getFields().id) {
    keys[type.name] = () => null;
  }
}
const client = new Client({
  url: `${base}/graphql`,
  preferGetMethod: false,
  exchanges: [
    cacheExchange({
      schema: introspectionFromSchema(schema),
      keys,
      resolvers: { Query: { schools: relayPagination() } },
    }),
    fetchExchange,
  ],
});

const CATALOGUE = gql`
  query Catalogue {
    countries { id code name schools { id slug name
      programmes { id key name offers { id kind places academicYear homeTracks { id code } } }
      info { deadlines { key kind date source stale } } } }
  }
`;
const SCHOOL_PAGE = gql`
  query SchoolPage($slug: String!) {
    school(slug: $slug) { id slug programmes { id offers { id kind places } } }
  }
`;
const SCHOOLS = gql`
  query SchoolList($first: Int!, $after: String) {
    schools(first: $first, after: $after) {
      totalCount
      edges { cursor node { id slug } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

function offersOf(data) {
  return data.school.programmes.map((p) => p.offers.map((o) => `${o.kind} ${o.places}`));
}

const catalogue = await client.query(CATALOGUE, {}).toPromise();
await client.query(SCHOOL_PAGE, { slug: "ense3" }).toPromise();
await client.query(SCHOOL_PAGE, { slug: "phelma" }).toPromise();
// Read from the cache only: both pages are normalised in it by now.
const ense3 = await client.query(SCHOOL_PAGE, { slug: "ense3" }, { requestPolicy: "cache-only" }).toPromise();
const phelma = await client.query(SCHOOL_PAGE, { slug: "phelma" }, { requestPolicy: "cache-only" }).toPromise();

let after = null;
let last;
for (;;) {
  last = await client.query(SCHOOLS, { first: 2, after }).toPromise();
  if (last.error) break;
  if (!last.data.schools.pageInfo.hasNextPage) break;
  after = last.data.schools.pageInfo.endCursor;
}

console.log(
  JSON.stringify({
    catalogueError: catalogue.error ? String(catalogue.error) : null,
    countries: catalogue.data.countries.length,
    ense3: offersOf(ense3.data),
    phelma: offersOf(phelma.data),
    pagesError: last.error ? String(last.error) : null,
    // relayPagination merges the pages into the last answer.
    mergedSlugs: last.data.schools.edges.map((edge) => edge.node.slug),
    warnings,
  }),
);
