// Starts GraphiQL against this server's GraphQL endpoint. The query being edited is kept in the
// page URL (?q=…&v=… for the variables) so that a link reproduces it; not ?query=, which asks
// /graphql to execute the query instead of showing this page.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# The catalogue: countries, partner schools, their programmes and the places on offer.",
    "# Run it with Ctrl-Enter; the Docs and Explorer panels list every field.",
    "{",
    "  countries {",
    "    code",
    "    name",
    "    schools {",
    "      name",
    "      programmes {",
    "        name",
    "        offers { kind places academicYear homeTracks { code } }",
    "      }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");

  var container = document.getElementById("graphiql");
  var endpoint = new URL(container.dataset.endpoint, window.location.href).toString();
  var params = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) {
      params.set(name, value);
    } else {
      params.delete(name);
    }
    var search = params.toString();
    window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  function App() {
    return React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultQuery: DEFAULT_QUERY,
      query: params.get("q") || undefined,
      variables: params.get("v") || undefined,
      onEditQuery: function (value) { remember("q", value); },
      onEditVariables: function (value) { remember("v", value); },
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: true,
    });
  }

  ReactDOM.createRoot(container).render(React.createElement(App));
})();
