// Apollo Client with its default InMemoryCache (plus the generated possibleTypes and
// relayStylePagination) against a running server. Prints one JSON report on stdout; the
// Python test (test_clients.py) asserts on it. Usage: node apollo.mjs BASE_URL POSSIBLE_TYPES.json
import { readFileSync } from "node:fs";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

const [base, possibleTypesPath] = process.argv.slice(2);
const warnings = [];
for (const level of ["warn", "error"]) {
  // Apollo reports missing keys and lost cache data through the console: collect them all.
  console[level] = (...args) => warnings.push(args.map(String).join(" "));
}

const possibleTypes = JSON.parse(readFileSync(possibleTypesPath, "utf8")).possibleTypes;
const cache = new InMemoryCache({
  possibleTypes,
  typePolicies: { Query: { fields: { schools: relayStylePagination(["filter"]) } } },
});
const client = new ApolloClient({ cache, link: new HttpLink({ uri: `${base}/graphql` }) });

const SCHOOL_PAGE = gql`
  query SchoolPage($slug: String!) {
    school(slug: $slug) {
      id slug name
      programmes { id key name offers { id kind places school { id slug } } }
      country { id code name }
      info { deadlines { key kind date source stale } }
    }
  }
`;
const SCHOOLS = gql`
  query SchoolList($first: Int!, $after: String) {
    schools(first: $first, after: $after) {
      totalCount
      edges { cursor node { id slug name country { id code } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;
const NODE = gql`
  query AgainById($id: ID!) {
    node(id: $id) { id ... on Programme { key offers { id kind places } } }
  }
`;

function offersOf(data) {
  return data.school.programmes.map((programme) => ({
    id: programme.id,
    offers: programme.offers.map((offer) => `${offer.kind} ${offer.places}`),
  }));
}

// Two pages sharing a programme: after both are loaded, each must still show its own offers.
const ense3First = (await client.query({ query: SCHOOL_PAGE, variables: { slug: "ense3" } })).data;
await client.query({ query: SCHOOL_PAGE, variables: { slug: "phelma" } });
const ense3 = client.readQuery({ query: SCHOOL_PAGE, variables: { slug: "ense3" } });
const phelma = client.readQuery({ query: SCHOOL_PAGE, variables: { slug: "phelma" } });

// Page through every school, two at a time, with the cursor; the policy merges the pages.
let after = null;
let pages = 0;
for (;;) {
  const { data } = await client.query({
    query: SCHOOLS,
    variables: { first: 2, after },
    fetchPolicy: "network-only",
  });
  pages += 1;
  const info = data.schools.pageInfo;
  if (!info.hasNextPage) break;
  after = info.endCursor;
}
const merged = client.readQuery({ query: SCHOOLS, variables: { first: 2, after: null } });

const programmeId = ense3.school.programmes[0].id;
const again = (await client.query({ query: NODE, variables: { id: programmeId } })).data.node;

// Every object of a Node type must be a reference in the store, never an embedded copy.
const store = cache.extract();
const embedded = [];
const nodeTypes = new Set(possibleTypes.Node);
function walk(value, where) {
  if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${where}[${i}]`));
  if (value === null || typeof value !== "object") return;
  if (nodeTypes.has(value.__typename) && !("__ref" in value)) embedded.push(where);
  for (const [key, child] of Object.entries(value)) walk(child, `${where}.${key}`);
}
for (const [key, entity] of Object.entries(store)) {
  for (const [field, value] of Object.entries(entity)) {
    if (field !== "__typename") walk(value, `${key}.${field}`);
  }
}

console.log(
  JSON.stringify({
    ense3FirstLoad: offersOf(ense3First),
    ense3: offersOf(ense3),
    phelma: offersOf(phelma),
    pages,
    totalCount: merged.schools.totalCount,
    mergedSlugs: merged.schools.edges.map((edge) => edge.node.slug),
    nodeAgain: { id: again.id, offers: again.offers.map((o) => `${o.kind} ${o.places}`) },
    storeKeys: Object.keys(store).filter((key) => key.startsWith("Programme:")).sort(),
    embedded,
    warnings,
  }),
);
