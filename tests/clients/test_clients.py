"""Real frontend clients against `mobility serve`: Apollo Client, urql, GraphQL Code Generator.

The clients are npm packages pinned in tests/clients/package.json, installed by `make
install-dev` into tests/clients/node_modules (never committed). Without node or the packages
these tests skip with the reason; with REQUIRE_CLIENTS=1 (CI) they fail instead.

The catalogue served is a later FAQ revision where Phelma and Ense3 share the SICOM programme
with different offers (Phelma 1 double degree, Ense3 2 exchanges): the case a cache keyed by the
programme alone gets wrong.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from service.graphql.sdl import SDL_PATH
from tests.processes import MOBILITY, process_env, serving
from tests.scrapers.faq.pages import REVISION_2021

pytestmark = pytest.mark.clients

CLIENTS_DIR = Path(__file__).parent
README = CLIENTS_DIR.parents[1] / "README.md"
SICOM = "filiere-signal-image-communication-multimedia-sicom@ense3+phelma"
SCHOOLS = [
    "aalto-university",
    "ecole-des-mines-saint-etienne",
    "eilco",
    "ense3",
    "ensiie",
    "ensim",
    "phelma",
    "universite-de-sherbrooke",
    "university-of-calabria",
]


def _node() -> str:
    """The node executable, or skip (fail under REQUIRE_CLIENTS=1) saying what is missing."""
    node = shutil.which("node")
    if node is None:
        reason = "client tests need node (and `make install-dev` to install their packages)"
    elif not (CLIENTS_DIR / "node_modules" / "@apollo" / "client").is_dir():
        reason = "client tests need their npm packages: run `make install-dev` (needs npm)"
    else:
        return node
    if os.environ.get("REQUIRE_CLIENTS", "").strip().lower() in {"1", "true", "yes", "on"}:
        pytest.fail(f"REQUIRE_CLIENTS=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _run_node(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_node(), *arguments],
        cwd=CLIENTS_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _report(*arguments: str) -> Any:
    done = _run_node(*arguments)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def readme_operations() -> list[str]:
    """The README's GraphQL examples, one string per fenced block."""
    return re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def _shared_programme_page() -> str:
    """REVISION_2021, with the shared programme's offers made different at each school."""
    return REVISION_2021.replace(
        "(https://phelma.grenoble-inp.fr/fr/formation/sicom) : 1 Double diplôme ou échange",
        "(https://phelma.grenoble-inp.fr/fr/formation/sicom) : 1 Double diplôme",
    ).replace(
        "(https://ense3.grenoble-inp.fr/fr/formation/sicom) : 1 Double diplôme ou échange",
        "(https://ense3.grenoble-inp.fr/fr/formation/sicom) : 2 échanges",
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GraphQL Code Generator over the committed SDL and the README's operations."""
    _node()
    folder = tmp_path_factory.mktemp("codegen")
    documents = []
    for number, operations in enumerate(readme_operations()):
        document = folder / f"readme-{number}.graphql"
        document.write_text(operations, encoding="utf-8")
        documents.append(str(document))
    config = {
        "schema": str(SDL_PATH),
        "documents": documents,
        "generates": {
            str(folder / "operations.ts"): {"plugins": ["typescript", "typescript-operations"]},
            str(folder / "possibleTypes.json"): {
                "plugins": ["fragment-matcher"],
                "config": {"apolloClientVersion": 3},
            },
        },
    }
    (folder / "codegen.json").write_text(json.dumps(config), encoding="utf-8")
    done = _run_node(
        "node_modules/@graphql-codegen/cli/cjs/bin.js", "--config", str(folder / "codegen.json")
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mobility serve` on the shared-programme revision of the FAQ page."""
    _node()
    folder = tmp_path_factory.mktemp("served")
    page = folder / "mobilite_dd.md"
    page.write_text(_shared_programme_page(), encoding="utf-8")
    env = process_env(DATABASE_URL=f"sqlite:///{folder / 'catalogue.sqlite3'}")
    for step in (["db", "upgrade"], ["import-faq", str(page)]):
        subprocess.run([*MOBILITY, *step], env=env, cwd=folder, check=True, capture_output=True)
    with serving(env, folder, ready_path="/readyz") as base:
        yield base


def test_the_readme_operations_are_named_and_pass_the_code_generator(generated: Path) -> None:
    names = [
        definition.name.value if definition.name else None
        for operations in readme_operations()
        for definition in parse(operations).definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    assert None not in names
    assert len(names) == len(set(names)) == 11
    types = (generated / "operations.ts").read_text(encoding="utf-8")
    for name in names:
        assert name is not None
        kind = "Mutation" if name == "RequestPhelmaSync" else "Query"
        assert f"export type {name}{kind} = " in types


def test_possible_types_list_every_node_and_union(generated: Path) -> None:
    possible = json.loads((generated / "possibleTypes.json").read_text())["possibleTypes"]
    assert possible["Node"] == [
        "Change",
        "Country",
        "Finding",
        "HomeTrack",
        "Link",
        "LinkCheck",
        "LinkHealth",
        "Offer",
        "Programme",
        "School",
        "SelectionRule",
        "SyncRun",
    ]
    assert possible["RequestSyncResult"] == ["AdminRefused", "InvalidInput", "SyncRequested"]
    assert "SourcedValue" in possible


def test_apollo_normalises_every_entity_and_keeps_each_schools_offers(
    served: str, generated: Path
) -> None:
    report = _report("apollo.mjs", served, str(generated / "possibleTypes.json"))
    ense3 = [{"id": f"Programme:ense3:{SICOM}", "offers": ["EXCHANGE 2"]}]
    phelma = [{"id": f"Programme:phelma:{SICOM}", "offers": ["DOUBLE_DEGREE 1"]}]
    assert report["ense3FirstLoad"] == ense3
    # After Phelma's page was loaded too, Ense3's page still shows Ense3's offers.
    assert report["ense3"] == ense3
    assert report["phelma"] == phelma
    assert report["storeKeys"] == [
        f"Programme:Programme:ense3:{SICOM}",
        f"Programme:Programme:phelma:{SICOM}",
    ]
    assert report["nodeAgain"] == {"id": f"Programme:ense3:{SICOM}", "offers": ["EXCHANGE 2"]}
    # relayStylePagination merged five pages of two into the whole list.
    assert report["pages"] == 5
    assert report["totalCount"] == 9
    assert report["mergedSlugs"] == SCHOOLS
    assert report["embedded"] == []
    assert report["warnings"] == []


def test_apollos_persisted_queries_link_registers_the_hash_once_then_sends_it_alone(
    served: str,
) -> None:
    report = _report("apollo_persisted.mjs", served)
    # Hash alone: PERSISTED_QUERY_NOT_FOUND (404, as Apollo Server answers); then hash + query.
    assert report["firstClient"] == [
        {"status": 404, "hasQuery": False, "hasHash": True},
        {"status": 200, "hasQuery": True, "hasHash": True},
    ]
    # Another client: the server knows the hash, so the query text never travels again.
    assert report["secondClient"] == [{"status": 200, "hasQuery": False, "hasHash": True}]
    assert report["sameAnswer"] is True
    assert report["countries"]
    assert report["warnings"] == []


def test_urql_graphcache_answers_from_its_cache_without_a_warning(served: str) -> None:
    report = _report("urql.mjs", served, str(SDL_PATH))
    assert report["catalogueError"] is None
    assert report["countries"] == 4
    assert report["ense3"] == [["EXCHANGE 2"]]
    assert report["phelma"] == [["DOUBLE_DEGREE 1"]]
    assert report["pagesError"] is None
    assert report["mergedSlugs"] == SCHOOLS
    assert report["warnings"] == []
