// Apollo Client's automatic persisted queries link against a running server: the first request
// sends the hash alone, the server answers PERSISTED_QUERY_NOT_FOUND, the link sends hash and
// query; a second client then gets its answer from the hash alone. Prints one JSON report on
// stdout for test_clients.py. Usage: node apollo_persisted.mjs BASE_URL
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const [base] = process.argv.slice(2);
const warnings = [];
for (const level of ["warn", "error"]) {
  console[level] = (...args) => warnings.push(args.map(String).join(" "));
}

const sent = [];
async function recordingFetch(url, options) {
  const body = JSON.parse(options.body);
  const response = await fetch(url, options);
  sent.push({
    status: response.status,
    hasQuery: typeof body.query === "string",
    hasHash: Boolean(body.extensions?.persistedQuery?.sha256Hash),
  });
  return response;
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

function newClient() {
  const link = new PersistedQueryLink({ sha256 }).concat(
    new HttpLink({ uri: `${base}/graphql`, fetch: recordingFetch }),
  );
  return new ApolloClient({ cache: new InMemoryCache(), link });
}

const COUNTRIES = gql`
  query PersistedCountries {
    countries { id code name }
  }
`;

const first = (await newClient().query({ query: COUNTRIES })).data;
const afterFirst = sent.length;
const second = (await newClient().query({ query: COUNTRIES })).data;

process.stdout.write(
  JSON.stringify({
    firstClient: sent.slice(0, afterFirst),
    secondClient: sent.slice(afterFirst),
    sameAnswer: JSON.stringify(first) === JSON.stringify(second),
    countries: first.countries.map((country) => country.code),
    warnings,
  }),
);
